"""«Việc cần làm» of reviews (core.hooks.register_work): the cells of an open review year in
the user's reach whose members are not all proposed a grade (or exempted) — each a link to
the cell's entry form."""

from django.db.models import F
from django.urls import reverse

from dangbo.core import hooks
from dangbo.reviews.models import Grade, MemberReview, OrgReview, ReviewYear


def reviews_to_finish(user, today) -> list[hooks.WorkItem]:
    """At most two queries, on the org rows' kept tallies (no member rows read)."""
    open_cells = (
        OrgReview.objects.restrict(user, "reviews.change")
        .filter(
            review_year__state=ReviewYear.State.OPEN,
            organization__org_type__holds_members=True,
            members_total__gt=F("members_exempt") + F("members_proposed"),
        )
        .select_related("organization", "review_year")
    )
    rows = hooks.first_rows(open_cells.order_by("review_year__year", "organization__path"))
    items = [
        hooks.WorkItem(
            label=(
                f"Đánh giá, xếp loại năm {row.review_year.year} — {row.organization.name}: "
                f"còn {row.members_total - row.members_exempt - row.members_proposed} đảng viên"
            ),
            url=reverse("reviews:entry", args=[row.pk]),
            tone="warning" if row.review_year.year < today.year else "info",
        )
        for row in rows[: hooks.WORK_SHOWN]
    ]
    return hooks.with_more(
        items,
        rows,
        open_cells,
        label="Tất cả chi bộ chưa đề xuất xếp loại xong",
        url=reverse("reviews:index"),
    )


def classification(org, today) -> list[tuple]:
    """The org's latest final classification (one query)."""
    row = (
        OrgReview.objects.filter(organization=org)
        .exclude(final_grade="")
        .select_related("review_year")
        .order_by("-review_year__year")
        .first()
    )
    if row is None:
        return []
    return [
        (
            f"Xếp loại năm {row.review_year.year}",
            row.get_final_grade_display(),
            reverse("reviews:overview", args=[row.pk]),
        )
    ]


hooks.register_org_facts(
    hooks.OrgFacts(
        key="reviews.classification",
        title="Đánh giá, xếp loại",
        facts=classification,
        permission="reviews.view",
        order=30,
    )
)


hooks.register_work(
    hooks.WorkSource(
        key="reviews.to_finish",
        title="Đánh giá, xếp loại chưa xong",
        items=reviews_to_finish,
        permission="reviews.change",
        order=30,
    )
)


def grades_by_year(member, today) -> list[tuple]:
    """The member's classification of each year, latest first (one query)."""
    rows = (
        MemberReview.objects.filter(member=member)
        .select_related("review_year")
        .order_by("-review_year__year")[:10]
    )
    url = reverse("reviews:member", args=[member.pk])
    return [
        (
            f"Năm {row.review_year.year}",
            row.get_exemption_display()
            if row.exemption
            else (Grade(row.current_grade).label if row.current_grade else "Chưa xếp loại"),
            url,
        )
        for row in rows
    ]


hooks.register_member_facts(
    hooks.MemberFacts(
        key="reviews.grades",
        title="Xếp loại chất lượng các năm",
        facts=grades_by_year,
        permission="reviews.view",
        order=10,
    )
)
