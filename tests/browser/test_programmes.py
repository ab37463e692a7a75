"""A committee's journey: register a document, build a programme item on it, cascade the item
to two subordinate orgs, one reports it done, and the parent shows the rolled-up progress."""

from importlib import import_module

import pytest
from django.apps import apps

from dangbo.programmes.models import Document, ProgrammeItem
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PICKER = "Gõ tên tổ chức để tìm (không cần dấu)…"


@pytest.fixture
def migration_data(transactional_db):
    """An earlier transactional test flushes the rows the data migrations made (org types,
    roles); put them back (their functions are idempotent) before `tree` needs them."""
    import_module("dangbo.organizations.migrations.0002_org_types").create_types(apps, None)
    import_module("dangbo.core.migrations.0002_default_roles_and_rules").create(apps, None)


def test_document_programme_cascade_report_rollup(
    migration_data, page, live_server, login, tree, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.set_default_timeout(30_000)  # the shared machine is often busy
    factories.user("vanphong", role_code="grassroots_committee", on=tree["province"])
    login("vanphong")

    # 1. register a document with its PDF
    page.get_by_role("link", name="Văn bản, chương trình").first.click()
    page.get_by_role("link", name="Đăng ký văn bản", exact=True).click()
    page.get_by_placeholder(PICKER).fill("song hong")
    page.get_by_role("button", name="Đảng bộ tỉnh Sông Hồng").click()
    page.get_by_label("Loại văn bản").select_option("CTHĐ")
    page.get_by_label("Số, ký hiệu").fill("05-CTHĐ/TU")
    page.get_by_label("Người ký").fill("Nguyễn Văn Tỉnh")
    page.get_by_label("Trích yếu").fill("Chương trình hành động thực hiện Nghị quyết Đại hội")
    pdf = tmp_path / "cthd.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%journey\n%%EOF\n")
    page.get_by_label("Tệp đính kèm").set_input_files(str(pdf))
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#doc-number").inner_text() == "05-CTHĐ/TU"
    assert "cthd.pdf" in page.locator("#doc-fields").inner_text()
    assert Document.objects.get().attachment_size == 24

    # ... and find it without diacritics
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_label("Tìm (số, trích yếu, người ký)").fill("nghi quyet dai hoi")
    page.get_by_role("button", name="Lọc").click()
    assert "05-CTHĐ/TU" in page.locator("#document-table").inner_text()

    # 2. a programme on that document, and an item
    page.get_by_role("link", name="Chương trình công tác").first.click()
    page.get_by_role("link", name="Lập chương trình").click()
    page.get_by_placeholder(PICKER).fill("song hong")
    page.get_by_role("button", name="Đảng bộ tỉnh Sông Hồng").click()
    page.get_by_label("Loại chương trình").select_option("term")
    page.get_by_label("Tên chương trình").fill("Chương trình công tác toàn khóa 2025–2030")
    page.get_by_label("Từ ngày").fill("01/10/2025")
    page.get_by_label("Đến ngày").fill("30/09/2030")
    page.get_by_label("Văn bản ban hành").select_option(
        label=f"05-CTHĐ/TU ({Document.objects.get().issued_on:%d/%m/%Y})"
    )
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Thêm mục", exact=True).click()
    page.get_by_label("Nội dung").fill("Nâng cao chất lượng sinh hoạt chi bộ")
    page.get_by_label("Kết quả cần đạt (đo được)").fill("90% chi bộ xếp loại Khá trở lên")
    page.get_by_label("Thời hạn").fill("30/06/2030")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#item-title").inner_text() == "Nâng cao chất lượng sinh hoạt chi bộ"

    # 3. cascade it to the bloc and the commune
    page.get_by_role("link", name="Giao cho cấp dưới").click()
    page.get_by_label("Đảng ủy Khối các cơ quan tỉnh").check()
    page.get_by_label("Đảng ủy xã Tân Lập").check()
    page.get_by_role("button", name="Lưu").click()
    tree_text = page.locator("#item-tree").inner_text()
    assert "Đảng ủy Khối các cơ quan tỉnh" in tree_text and "Đảng ủy xã Tân Lập" in tree_text

    # 4. the commune's part is reported done
    commune_item = ProgrammeItem.objects.get(organization=tree["commune"])
    page.locator(f'tr[data-path="{commune_item.path}"] a').first.click()
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Tình trạng").select_option("done")
    page.get_by_label("Minh chứng").fill("Báo cáo số 12-BC/ĐU: 95% chi bộ đạt Khá")
    page.get_by_role("button", name="Lưu").click()
    assert "100%" in page.locator("#report-table").inner_text()

    # 5. the parent item and the programme show the roll-up
    page.get_by_role("navigation", name="breadcrumb").get_by_role(
        "link", name="Nâng cao chất lượng sinh hoạt chi bộ"
    ).click()
    progress = page.locator("#item-progress")
    assert "50%" in progress.inner_text() and "1/2" in progress.inner_text()
    page.get_by_role("navigation", name="breadcrumb").get_by_role(
        "link", name="Chương trình công tác toàn khóa 2025–2030"
    ).click()
    assert page.locator("#done-summary").inner_text() == "0/1"
    bar = page.get_by_role("progressbar", name="Tiến độ toàn chương trình")
    assert bar.get_attribute("aria-valuenow") == "50.0"
