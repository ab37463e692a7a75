"""A member's one-stop record (#24): grades by year, badges and commendations, training come
from their apps through core.hooks.register_member_facts, each under its own permission on the
member's org, in a bounded number of queries."""

from datetime import date

from django.urls import reverse

from dangbo.recognition.models import BadgeAward, Commendation
from dangbo.reviews.models import MemberReview
from dangbo.reviews.services import open_year
from dangbo.training import services as training
from tests import factories


def _record(tree):
    member = tree["members_a"][0]
    year = open_year(organization=tree["committee"], year=2025)
    MemberReview.objects.filter(review_year=year, member=member).update(final_grade="htt")
    BadgeAward.objects.create(
        member=member,
        milestone=30,
        award_date=date(2025, 9, 2),
        status="awarded",
        reason="Đủ 30 năm tuổi đảng",
        decision_number="125-QĐ/TU",
        decided_on=date(2025, 8, 20),
    )
    Commendation.objects.create(
        member=member,
        form="Giấy khen",
        year=2024,
        issuer="Đảng ủy Khối",
        decision_number="88-QĐ/ĐUK",
        decided_on=date(2025, 1, 15),
    )
    klass = training.open_class(
        organization=tree["bloc"],
        kind="candidate",
        name="Lớp lý luận chính trị 2025",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 5),
    )
    enrolment = training.enrol_member(klass, member)
    training.record_results(klass, {enrolment.pk: ("passed", None)}, issued_on=date(2025, 3, 6))
    return member


def test_the_member_page_gathers_each_apps_part(
    client, tree, admin_user, django_assert_max_num_queries
):
    member = _record(tree)
    client.force_login(admin_user)
    with django_assert_max_num_queries(60):
        body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    part = body.split('id="member-facts"', 1)[1]
    assert 'data-facts="reviews.grades"' in part and "Hoàn thành tốt nhiệm vụ" in part
    assert "Năm 2025" in part
    assert "Huy hiệu 30 năm tuổi Đảng" in part and "125-QĐ/TU" in part
    assert "Giấy khen — Đảng ủy Khối" in part
    assert "Lớp lý luận chính trị 2025" in part and "Đạt" in part


def test_each_part_only_under_its_permission(client, tree):
    member = _record(tree)
    viewer = factories.user("chixem", role_code="viewer", on=tree["committee"])
    client.force_login(viewer)
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert 'id="member-facts"' not in body and "125-QĐ/TU" not in body
