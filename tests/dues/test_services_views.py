import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.dues import services
from dangbo.dues.models import LedgerEntry
from tests import factories

MONTH = date(2026, 3, 1)


@pytest.fixture
def priced(tree):
    """Every member of the tree has a basis; Bình earns 8,425,000 (1% → 84,250)."""
    bases = iter([8_425_000, 6_000_000, 0, 7_000_000, 0])
    for member in tree["members_a"] + tree["members_b"] + tree["village_members"]:
        amount = next(bases)
        if amount:
            services.set_income_basis(
                member, valid_from=date(2026, 1, 1), income_type="salary", amount=amount
            )
        else:
            services.set_income_basis(member, valid_from=date(2026, 1, 1), income_type="student")
    return tree


def test_close_month_prices_every_member_and_is_idempotent(priced):
    result = services.close_month(priced["province"], MONTH)
    assert result.created == 5 and not result.missing_basis
    due = LedgerEntry.objects.get(member=priced["members_a"][0], month=MONTH).due
    assert due == 84_250
    again = services.close_month(priced["province"], MONTH)
    assert again.created == 0 and again.already == 5


def test_member_without_basis_is_listed_not_skipped_silently(tree):
    services.set_income_basis(
        tree["members_a"][0], valid_from=date(2026, 1, 1), income_type="pension", amount=5_000_000
    )
    result = services.close_month(tree["cell_a"], MONTH)
    assert result.created == 1
    assert {m.full_name for m in result.missing_basis} == {"Trần Thị Hằng", "Lê Đức Anh"}


def test_basis_change_applies_from_its_month(priced):
    member = priced["members_a"][0]
    services.set_income_basis(
        member, valid_from=date(2026, 4, 20), income_type="salary", amount=10_000_000
    )
    services.close_month(priced["cell_a"], MONTH)
    services.close_month(priced["cell_a"], date(2026, 4, 1))
    dues = dict(LedgerEntry.objects.filter(member=member).values_list("month", "due"))
    assert dues == {MONTH: 84_250, date(2026, 4, 1): 100_000}


def test_bad_basis_refused(tree):
    with pytest.raises(DomainError) as err:
        services.set_income_basis(
            tree["members_a"][0],
            valid_from=date(2026, 1, 1),
            income_type="other",
            region=1,
            wage_percent=Decimal("0.9"),
        )
    assert "0,2%" in err.value.message
    with pytest.raises(DomainError):
        services.set_income_basis(
            tree["members_a"][0],
            valid_from=date(2025, 1, 1),
            income_type="salary",
            amount=5_000_000,
        )  # no rate before 2026


def test_payments_remittance_chain_and_arrears(priced, admin_user):
    for month in (1, 2, 3):
        services.close_month(priced["province"], date(2026, month, 1))
    cell_entries = LedgerEntry.objects.filter(organization=priced["cell_a"])
    paid_ids = list(
        cell_entries.filter(member__in=priced["members_a"][:2]).values_list("pk", flat=True)
    )
    services.record_payments(
        paid_ids, paid_on=date(2026, 3, 28), collector=admin_user, allowed=cell_entries
    )
    collected = 3 * (84_250 + 60_000)
    march = services.remit(priced["cell_a"], MONTH, remitted_on=date(2026, 3, 31))
    assert march.collected == 84_250 + 60_000
    assert march.kept == round((84_250 + 60_000) * 0.30) and march.kept + march.remitted == (
        march.collected
    )
    up = services.remit(priced["committee"], MONTH, remitted_on=date(2026, 4, 2))
    assert up.collected == march.remitted and up.kept + up.remitted == up.collected
    with pytest.raises(DomainError):
        services.remit(priced["cell_a"], MONTH, remitted_on=date(2026, 3, 31))
    late = services.arrears(LedgerEntry.objects.all(), MONTH)
    assert {m.full_name for m in late} == {"Lê Đức Anh", "Phạm Quang Dũng", "Đặng Thị Thủy"}
    assert collected == sum(cell_entries.values_list("paid", flat=True))


def test_payment_outside_scope_refused_as_a_whole(priced, admin_user):
    services.close_month(priced["province"], MONTH)
    mine = LedgerEntry.objects.filter(organization=priced["cell_a"])
    other = LedgerEntry.objects.filter(organization=priced["cell_b"]).first()
    with pytest.raises(DomainError):
        services.record_payments(
            [mine.first().pk, other.pk],
            paid_on=date(2026, 3, 5),
            collector=admin_user,
            allowed=mine,
        )
    assert not LedgerEntry.objects.filter(paid__gt=0).exists()


def test_ledger_screen_payment_and_receipt(client, priced):
    secretary = factories.user(role_code="cell_secretary", on=priced["cell_a"])
    client.force_login(secretary)
    url = reverse("dues:index")
    params = {"org": priced["cell_a"].pk, "month": "03/2026"}
    client.post(reverse("dues:close"), params)
    body = client.get(url, params).content.decode()
    assert "Nguyễn Văn Bình" in body and "84.250" in body
    entry = LedgerEntry.objects.get(member=priced["members_a"][0], month=MONTH)
    client.post(reverse("dues:pay"), {**params, "entries": [entry.pk], "paid_on": "10/03/2026"})
    entry.refresh_from_db()
    assert entry.paid == 84_250 and entry.collector == secretary
    receipt = client.get(reverse("dues:receipt", args=[entry.pk])).content.decode()
    assert "BIÊN LAI THU ĐẢNG PHÍ" in receipt and "84.250" in receipt
    # outside the secretary's cell: 404 everywhere
    assert client.get(url, {"org": priced["cell_b"].pk}).status_code == 404
    other = LedgerEntry.objects.filter(organization=priced["cell_b"]).first()
    if other:
        assert client.get(reverse("dues:receipt", args=[other.pk])).status_code == 404
    assert client.get(reverse("dues:basis", args=[priced["members_b"][0].pk])).status_code == 404


def test_viewer_cannot_close_or_pay(client, priced):
    viewer = factories.user(role_code="viewer", on=priced["province"])
    client.force_login(viewer)
    params = {"org": priced["cell_a"].pk, "month": "03/2026"}
    assert client.get(reverse("dues:index"), params).status_code == 404  # no dues.view
    officer = factories.user(role_code="inspection_officer", on=priced["province"])
    client.force_login(officer)
    assert client.get(reverse("dues:index"), params).status_code == 200  # *.view
    assert client.post(reverse("dues:close"), params).status_code == 404
    assert not LedgerEntry.objects.exists()


def test_future_month_refused(priced):
    future = timezone.localdate().replace(day=1)
    future = date(future.year + 1, future.month, 1)
    with pytest.raises(DomainError):
        services.close_month(priced["province"], future)


def test_ledger_query_count(admin_client, priced, django_assert_max_num_queries):
    services.close_month(priced["province"], MONTH)
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("dues:index"), {"org": priced["cell_a"].pk, "month": "03/2026"})


def test_api_lists_ledger_within_scope(client, priced):
    from rest_framework.test import APIClient

    services.close_month(priced["province"], MONTH)
    api = APIClient()
    api.force_authenticate(factories.user(role_code="cell_secretary", on=priced["cell_b"]))
    rows = api.get("/api/v1/dues/ledger/").json()["results"]
    assert [r["member"] for r in rows] == [priced["members_b"][0].pk]


def test_totals_export_is_logged(admin_client, priced):
    from auditlog.models import LogEntry

    services.close_month(priced["province"], MONTH)
    response = admin_client.get(
        reverse("dues:totals_xlsx"), {"org": priced["province"].pk, "month": "03/2026"}
    )
    assert response["Content-Disposition"].endswith('dang-phi-202603.xlsx"')
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, additional_data__org=priced["province"].pk
    )
    assert entry.additional_data["export"] == "Tổng hợp thu đảng phí"


def _rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table as lists of cell texts."""
    import re

    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in body.split("</tr>")
        if "<td" in row
    ]


def test_totals_keep_their_columns_for_units_without_the_months_ledger(admin_client, priced):
    """A unit with no ledger for the month asked shows 0 under the month, its year figures
    stay under the year columns (the screen and the export)."""
    services.close_month(priced["province"], date(2026, 11, 1))
    services.close_month(priced["cell_a"], date(2026, 12, 1))  # cell_b: no December ledger
    params = {"org": priced["committee"].pk, "month": "12/2026"}
    rows = _rows(admin_client.get(reverse("dues:index"), params).content.decode(), "totals")
    assert all(len(row) == 6 for row in rows)
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["Chi bộ Phòng Nghiệp vụ"] == ["0", "0", "70.000", "0", "70.000"]
    assert by_name["Chi bộ Văn phòng"][:2] == ["149.250", "0"]

    from openpyxl import load_workbook

    response = admin_client.get(reverse("dues:totals_xlsx"), params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = {row[0]: row[1:] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert exported["Chi bộ Phòng Nghiệp vụ"] == (0, 0, 70_000, 0, 70_000)


def _pay(entries, on, user):
    return services.record_payments(
        [e.pk for e in entries], paid_on=on, collector=user, allowed=LedgerEntry.objects.all()
    )


def test_remitted_month_is_closed_and_late_money_goes_up_with_the_next_remittance(
    priced, admin_user
):
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    for month in (jan, feb):
        services.close_month(priced["committee"], month)
    cell = priced["cell_a"]
    binh, hang, _anh = (LedgerEntry.objects.get(member=m, month=jan) for m in priced["members_a"])
    _pay([binh], date(2026, 1, 20), admin_user)
    january = services.remit(cell, jan, remitted_on=date(2026, 1, 31))
    assert (january.collected, january.late) == (84_250, 0)
    committee_jan = services.remit(priced["committee"], jan, remitted_on=date(2026, 2, 2))

    # Hằng pays January late: accepted, and reported as money for a remitted month.
    result = _pay([hang], date(2026, 2, 10), admin_user)
    assert result.count == 1 and result.late_months == [jan]
    with pytest.raises(DomainError) as err:
        services.remit(cell, jan, remitted_on=date(2026, 2, 10))
    assert "tháng tiếp theo" in err.value.message
    assert services.late_after_remittance(cell, jan) == 60_000

    # February's remittance carries February's money and January's late payment.
    _pay([LedgerEntry.objects.get(member=priced["members_a"][0], month=feb)], feb, admin_user)
    february = services.remit(cell, feb, remitted_on=date(2026, 2, 28))
    assert (february.collected, february.late) == (84_250 + 60_000, 60_000)
    assert services.late_after_remittance(cell, jan) == 0
    hang.refresh_from_db()
    assert hang.remittance == february

    # cell_b remits January after the committee did: it goes up in the committee's February.
    _pay(LedgerEntry.objects.filter(organization=priced["cell_b"], month=jan), jan, admin_user)
    late_b = services.remit(priced["cell_b"], jan, remitted_on=date(2026, 2, 15))
    committee_feb = services.remit(priced["committee"], feb, remitted_on=date(2026, 3, 2))
    assert committee_feb.collected == february.remitted + late_b.remitted
    assert committee_feb.late == late_b.remitted

    # Nothing counted twice, nothing lost: every đồng paid went up exactly once.
    paid = sum(LedgerEntry.objects.filter(organization__in=[cell]).values_list("paid", flat=True))
    assert paid == january.collected + february.collected
    assert committee_jan.collected + committee_feb.collected == (
        january.remitted + february.remitted + late_b.remitted
    )


def test_paying_twice_and_remitting_a_future_month_are_refused(priced, admin_user):
    services.close_month(priced["cell_a"], MONTH)
    entry = LedgerEntry.objects.filter(organization=priced["cell_a"]).first()
    _pay([entry], date(2026, 3, 5), admin_user)
    with pytest.raises(DomainError) as err:
        _pay([entry], date(2026, 3, 6), admin_user)
    assert "05/03/2026" in err.value.message
    with pytest.raises(DomainError):
        services.remit(priced["cell_a"], date(2030, 1, 1), remitted_on=date(2026, 3, 6))


def test_remittance_message_is_complete(client, priced):
    secretary = factories.user(role_code="cell_secretary", on=priced["cell_a"])
    client.force_login(secretary)
    params = {"org": priced["cell_a"].pk, "month": "03/2026"}
    client.post(reverse("dues:close"), params)
    entries = LedgerEntry.objects.filter(member__in=priced["members_a"][:2], month=MONTH)
    client.post(
        reverse("dues:pay"), {**params, "entries": [e.pk for e in entries], "paid_on": "10/03/2026"}
    )
    response = client.post(reverse("dues:remit"), params, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert texts[-1:] == [
        "Đã nộp 100.975 đồng lên cấp trên cho tháng 03/2026; giữ lại 43.275 đồng "
        "(tổng thu 144.250 đồng)."
    ]
    entry = LedgerEntry.objects.get(member=priced["members_a"][2], month=MONTH)
    response = client.post(
        reverse("dues:pay"), {**params, "entries": [entry.pk], "paid_on": "01/04/2026"}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("Tháng 03/2026 đã nộp lên cấp trên" in t for t in texts)
    body = client.get(reverse("dues:index"), params).content.decode()
    assert "Thu muộn sau khi nộp: 5.000 đ" in body


def test_a_member_attending_temporarily_pays_at_the_host_once_accepted(priced, admin_user):
    """Hằng (cell_a) attends cell_b temporarily: until cell_b accepts she pays at home; from
    the first month the attendance covers, cell_b's ledger holds her row — whichever side
    closes first — and cell_a's close says she pays elsewhere. A dated rule can keep dues at
    home."""
    from dangbo.core.models import RuleParameter
    from dangbo.dues import rules
    from dangbo.transfers import services as transfers

    hang = priced["members_a"][1]
    stay = transfers.start_temporary(
        hang,
        host_org=priced["cell_b"],
        starts_on=date(2026, 4, 20),
        ends_on=date(2026, 9, 20),
        paper_number="T-5",
    )
    services.close_month(priced["cell_a"], date(2026, 5, 1))
    assert (
        LedgerEntry.objects.get(member=hang, month=date(2026, 5, 1)).organization
        == (priced["cell_a"])
    )
    transfers.accept_temporary(stay, on=date(2026, 5, 10))
    home = services.close_month(priced["cell_a"], date(2026, 6, 1))
    assert home.paying_elsewhere == 1 and home.created == 2
    host = services.close_month(priced["cell_b"], date(2026, 6, 1))
    assert host.created == 2  # Dũng and Hằng
    june = LedgerEntry.objects.get(member=hang, month=date(2026, 6, 1))
    assert (june.organization, june.due) == (priced["cell_b"], 60_000)
    services.close_month(priced["committee"], date(2026, 7, 1))  # both cells at once
    assert (
        LedgerEntry.objects.get(member=hang, month=date(2026, 7, 1)).organization
        == (priced["cell_b"])
    )
    transfers.end_temporary(stay, on=date(2026, 7, 15))
    services.close_month(priced["committee"], date(2026, 8, 1))
    assert (
        LedgerEntry.objects.get(member=hang, month=date(2026, 8, 1)).organization
        == (priced["cell_a"])
    )
    RuleParameter.objects.create(
        key=rules.TEMPORARY_AT_HOST_KEY, valid_from=date(2026, 1, 1), value=False
    )
    other = priced["members_a"][0]
    stay = transfers.start_temporary(
        other,
        host_org=priced["cell_b"],
        starts_on=date(2026, 8, 20),
        ends_on=date(2026, 12, 20),
        paper_number="T-6",
    )
    transfers.accept_temporary(stay, on=date(2026, 8, 25))
    services.close_month(priced["committee"], date(2026, 9, 1))
    assert (
        LedgerEntry.objects.get(member=other, month=date(2026, 9, 1)).organization
        == (priced["cell_a"])
    )
