"""Main navigation: each app's entry, shown when the app is installed and the user may see it."""

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


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, permission in NAV_ITEMS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if permission is None or has_permission(user, permission):
            items.append(
                {"label": label, "url": url, "active": request.path.startswith(url) and url != "/"}
            )
    return {"nav_items": items}
