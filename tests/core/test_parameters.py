"""Rule parameters on screen: a new dated value, per subtree, never changing the old ones."""

from datetime import date

from auditlog.models import LogEntry
from django.urls import reverse

from dangbo.core.models import RuleParameter
from tests import factories

KEY = "member.readmission_min_months"


def _post(client, **data):
    payload = {"key": KEY, "value": "48", "valid_from": "01/01/2026", "source": "QĐ 1/2025"}
    payload.update(data)
    return client.post(reverse("core:parameter_create"), payload)


def test_a_new_value_holds_from_its_date_and_old_records_keep_the_old(client, tree):
    client.force_login(factories.user("qt", role_code="province_admin", on=tree["province"]))
    assert RuleParameter.value_on(KEY, date(2026, 6, 1)) == 36
    response = _post(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RuleParameter.value_on(KEY, date(2025, 12, 31)) == 36
    assert RuleParameter.value_on(KEY, date(2026, 1, 1)) == 48
    row = RuleParameter.objects.get(key=KEY, valid_from=date(2026, 1, 1))
    assert LogEntry.objects.filter(object_pk=str(row.pk), action=LogEntry.Action.CREATE).exists()
    page = client.get(reverse("core:parameters")).content.decode()
    assert "01/01/2026" in page and "QĐ 1/2025" in page and "Cả hệ thống" in page


def test_bad_values_are_refused_with_the_field_named_and_nothing_written(client, tree):
    client.force_login(factories.user("qt", role_code="province_admin", on=tree["province"]))
    before = RuleParameter.objects.count()
    assert "dạng JSON" in _post(client, value="bốn mươi").content.decode()
    assert "nhận một số" in _post(client, value='"48"').content.decode()
    assert _post(client, source=" ").status_code == 200  # required: the form says so
    assert _post(client, key="khong.co").status_code == 200  # not a choice
    _post(client)
    assert "đã có giá trị hiệu lực từ 01/01/2026" in _post(client, value="50").content.decode()
    assert RuleParameter.objects.count() == before + 1


def test_a_subtree_administrator_tunes_only_their_subtree(client, tree):
    client.force_login(factories.user("qt_khoi", role_code="province_admin", on=tree["bloc"]))
    body = _post(client).content.decode()
    assert "chỉ quản trị cấp cao nhất" in body
    assert _post(client, organization=tree["bloc"].pk).status_code == 302
    assert RuleParameter.value_on(KEY, date(2026, 2, 1), tree["cell_a"].path) == 48
    assert RuleParameter.value_on(KEY, date(2026, 2, 1), tree["village"].path) == 36
    body = _post(client, organization=tree["commune"].pk, valid_from="02/01/2026")
    assert "ngoài phạm vi" in body.content.decode()
    RuleParameter.objects.create(
        key=KEY, value=12, valid_from=date(2026, 3, 1), org_path=tree["commune"].path
    )
    page = client.get(reverse("core:parameters")).content.decode()
    assert tree["bloc"].name in page and tree["commune"].name not in page
    assert "01/03/2026" not in page  # another subtree's value is not listed


def test_screens_are_hidden_without_core_admin(client, tree):
    client.force_login(factories.user("bt", role_code="cell_secretary", on=tree["cell_a"]))
    assert client.get(reverse("core:parameters")).status_code == 404
    assert _post(client).status_code == 404
