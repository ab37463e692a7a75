"""Main navigation: each app's entry, shown when the app is installed and the user may see it;
the bar groups them in a few sections that fit one line on a desk (a group with one entry the
user may open is that entry's link), the home page lists them all."""

from django.urls import NoReverseMatch, reverse

from dangbo.core.permissions import has_permission

NAV_ITEMS = [
    ("Tổng quan", "home", None),
    ("Tổ chức đảng", "organizations:tree", "organizations.view"),
    ("Đảng viên", "members:list", "members.view"),
    ("Kết nạp", "admissions:index", "admissions.view"),
    ("Chuyển sinh hoạt", "transfers:index", "transfers.view"),
    ("Sinh hoạt chi bộ", "meetings:index", "meetings.view"),
    ("Đánh giá, xếp loại", "reviews:index", "reviews.view"),
    ("Kiểm tra, giám sát", "inspections:index", "inspections.view"),
    ("Cấp ủy, cán bộ", "committees:index", "committees.view"),
    ("Văn bản, chương trình", "programmes:index", "programmes.view"),
    ("Đào tạo", "training:index", "training.view"),
    ("Huy hiệu, khen thưởng", "recognition:index", "recognition.view"),
    ("Đảng phí", "dues:index", "dues.view"),
    ("Khảo sát", "surveys:index", "surveys.view"),
    ("Nhập Excel", "imports:index", "imports.view"),
    ("Báo cáo, thống kê", "reports:index", "reports.view"),
    ("Quản trị", "core:index", "core.admin"),
    ("Nhật ký", "core:audit", "core.audit"),
]


NAV_GROUPS = [
    ("Tổng quan", ["home"]),
    (
        "Tổ chức, đảng viên",
        ["organizations:tree", "members:list", "admissions:index", "transfers:index"],
    ),
    (
        "Sinh hoạt, đánh giá",
        ["meetings:index", "reviews:index", "inspections:index", "recognition:index"],
    ),
    ("Cán bộ, đào tạo", ["committees:index", "training:index"]),
    ("Công tác đảng", ["programmes:index", "dues:index", "surveys:index"]),
    ("Báo cáo, thống kê", ["reports:index"]),
    ("Hệ thống", ["imports:index", "core:index", "core:audit"]),
]


def groups(items: list[dict]) -> list[dict]:
    """The bar's sections holding the entries the user may open, in NAV_GROUPS order."""
    by_name = {item["name"]: item for item in items}
    found = []
    for label, names in NAV_GROUPS:
        entries = [by_name[name] for name in names if name in by_name]
        if entries:
            found.append(
                {"label": label, "items": entries, "active": any(e["active"] for e in entries)}
            )
    return found


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    items = []
    for label, url_name, permission in NAV_ITEMS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if permission is None or has_permission(user, permission):
            items.append(
                {
                    "name": url_name,
                    "label": label,
                    "url": url,
                    "active": request.path.startswith(url) and url != "/",
                }
            )
    return {"nav_items": items, "nav_groups": groups(items)}
