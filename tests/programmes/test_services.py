from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.programmes import queries, rules, services
from dangbo.programmes.models import Document, ProgrammeItem, ProgressReport, Task
from tests import factories

PDF = b"%PDF-1.4\n%test\n%%EOF\n"


def _doc(org, doc_type="NQ", number=None, issued_on=date(2025, 3, 1), **kw):
    return services.register_document(
        organization=org,
        doc_type=doc_type,
        number=number or f"{Document.objects.count() + 1:02d}-{doc_type}/TU",
        issued_on=issued_on,
        signer="Nguyễn Văn Tỉnh",
        summary=kw.pop("summary", "Về công tác xây dựng Đảng"),
        **kw,
    )


def test_register_document_with_attachment_and_search_key(tree):
    upload = SimpleUploadedFile("nghi-quyet.pdf", PDF, content_type="application/pdf")
    doc = _doc(tree["province"], number="05-NQ/TU", summary="Về chuyển đổi số", attachment=upload)
    assert doc.attachment_size == len(PDF) and doc.attachment_type == "pdf"
    assert doc.attachment.read() == PDF
    assert "ve chuyen doi so" in doc.search and "05-nq/tu" in doc.search


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("a.exe", b"MZ", "«a.exe» không thuộc loại được nhận"),
        ("a.pdf", b"PK\x03\x04zip", "«a.pdf» không thuộc loại được nhận"),
        ("a.pdf", b"", "rỗng"),
    ],
)
def test_bad_attachment_refused_and_nothing_saved(tree, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(DomainError) as error:
        _doc(tree["province"], attachment=upload)
    assert message in error.value.message and error.value.field == "attachment"
    assert not Document.objects.exists()


def test_attachment_size_limit_is_a_dated_rule(tree):
    from dangbo.core.models import RuleParameter

    RuleParameter.objects.create(
        key="programmes.attachment_max_mb", value=1, valid_from=date(2020, 1, 1)
    )
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(DomainError, match="1 MB"):
        _doc(tree["province"], attachment=upload)


def test_document_number_must_carry_type_and_be_unique_per_year(tree):
    with pytest.raises(DomainError, match="không chứa ký hiệu"):
        _doc(tree["province"], doc_type="CT", number="05-KH/TU")
    _doc(tree["province"], doc_type="CTHĐ", number="05-CTHĐ/TU")
    with pytest.raises(DomainError, match="đã được đăng ký"):
        _doc(tree["province"], doc_type="CTHĐ", number="05-cthđ/tu")
    _doc(tree["province"], doc_type="CTHĐ", number="05-CTHĐ/TU", issued_on=date(2024, 5, 5))


def test_seed_001_counts_by_type_for_a_term(tree):
    seed = {"NQ": 2, "CT": 11, "CTHĐ": 7, "KL": 11, "KH": 132, "QC": 8}
    issuer = tree["commune"]
    for doc_type, n in seed.items():
        for i in range(n):
            Document.objects.create(
                organization=issuer,
                doc_type=doc_type,
                number=f"{i + 1}-{doc_type}/ĐU",
                issued_on=date(2021, 1, 1) + timedelta(days=i * 10),
                signer="Bí thư",
                summary="x",
            )
    _doc(tree["bloc"], doc_type="KH", issued_on=date(2022, 1, 1))  # another branch
    _doc(issuer, doc_type="NQ", issued_on=date(2025, 11, 1))  # next term
    term = Document.objects.filter(
        organization__path__startswith=issuer.path,
        issued_on__range=(date(2020, 10, 1), date(2025, 9, 30)),
    )
    counts = queries.document_counts(term)
    assert {k: v for k, v in counts.items() if v} == seed
    table = queries.document_count_table(tree["province"], date(2020, 10, 1), date(2025, 9, 30))
    by_label = {row["label"]: row["total"] for row in table["rows"]}
    assert by_label["Đảng ủy xã Tân Lập"] == 171
    assert by_label["Đảng ủy Khối các cơ quan tỉnh"] == 1
    assert table["grand_total"] == 172


def test_cascade_and_rollup_of_children(tree, programme):
    top = programme.items.get(depth=1)
    bloc_item, commune_item = top.children.order_by("path")
    assert top.numchild == 2 and bloc_item.is_cascade
    # the bloc plans its own contribution below the cascaded item
    sub = services.add_item(
        programme=programme,
        parent=bloc_item,
        organization=tree["committee"],
        title="Sở Tư pháp kết nạp 10 đảng viên",
        expected_result="10 đảng viên",
        due_on=date(2026, 11, 30),
        weight=3,
    )
    services.report_item_progress(
        sub, percent=100, status="done", reported_on=date(2026, 1, 10), evidence="QĐ 12"
    )
    services.report_item_progress(
        commune_item, percent=50, status="in_progress", reported_on=date(2026, 1, 10)
    )
    rollups = queries.item_rollups(programme.pk, on=date(2026, 1, 20))
    # leaves: sub (w3, 100%), commune item (w1, 50%) → (300 + 50) / 4
    assert rollups[top.path] == rules.Rollup(350, 4, 2, 1, 0)
    assert rollups[top.path].percent == 87.5
    assert rollups[bloc_item.path].percent == 100.0
    summary = queries.programme_summary(programme, on=date(2026, 1, 20))
    assert (summary["done"], summary["total"]) == (0, 1)
    with pytest.raises(DomainError, match="mục con"):
        services.report_item_progress(
            bloc_item, percent=10, status="in_progress", reported_on=date(2026, 1, 10)
        )


def test_rollup_as_of_a_past_date_uses_reports_then(tree, programme):
    leaf = programme.items.get(organization=tree["commune"])
    services.report_item_progress(
        leaf, percent=40, status="in_progress", reported_on=date(2026, 1, 5)
    )
    services.report_item_progress(
        leaf, percent=90, status="in_progress", reported_on=date(2026, 1, 9)
    )
    today = timezone.localdate()
    then = queries.item_rollups(programme.pk, on=date(2026, 1, 6), as_of=True)
    top_path = leaf.path[: rules.STEPLEN]
    if today >= date(2026, 1, 6):  # items created today exist only from today
        assert then == {}
    now = queries.item_rollups(programme.pk, on=today, as_of=True)
    assert now[top_path].weighted == 90


def test_seed_004_29_of_37_items_done(tree):
    prog = services.create_programme(
        organization=tree["province"],
        kind="term",
        title="Chương trình toàn khóa 2025–2030",
        starts_on=date(2025, 10, 1),
        ends_on=date(2030, 9, 30),
    )
    for n in range(37):
        item = services.add_item(
            programme=prog,
            title=f"Mục {n + 1}",
            expected_result="Hoàn thành",
            due_on=date(2030, 6, 30),
        )
        if n < 29:
            services.report_item_progress(
                item, percent=100, status="done", reported_on=date(2026, 1, 1), evidence="BC"
            )
    summary = queries.programme_summary(prog, on=date(2026, 2, 1))
    assert (summary["done"], summary["total"]) == (29, 37)


def test_item_rules_and_permissions(tree, programme, officer):
    top = programme.items.get(depth=1)
    with pytest.raises(DomainError, match="sau thời hạn của mục cha"):
        services.add_item(
            programme=programme,
            parent=top,
            title="x",
            expected_result="y",
            due_on=date(2026, 12, 20),
        )
    with pytest.raises(DomainError, match="không trực thuộc"):
        services.cascade_item(top, organizations=[tree["province"]])
    with pytest.raises(DomainError, match="đã giao"):
        services.cascade_item(top, organizations=[tree["bloc"]])
    with pytest.raises(PermissionDenied):  # the bloc officer cannot cascade the province's item
        services.cascade_item(top, organizations=[tree["committee"]], user=officer)
    bloc_item = top.children.get(organization=tree["bloc"])
    created = services.cascade_item(bloc_item, organizations=[tree["committee"]], user=officer)
    assert created[0].organization == tree["committee"]
    assert ProgrammeItem.objects.filter(programme=programme).count() == 4


def test_report_rules(tree, programme):
    leaf = programme.items.get(organization=tree["commune"])
    today = timezone.localdate()
    with pytest.raises(DomainError, match="100%"):
        services.report_item_progress(leaf, percent=90, status="done", reported_on=today)
    with pytest.raises(DomainError, match="minh chứng"):
        services.report_item_progress(leaf, percent=100, status="done", reported_on=today)
    with pytest.raises(DomainError, match="sau ngày hôm nay"):
        services.report_item_progress(
            leaf, percent=10, status="in_progress", reported_on=today + timedelta(days=1)
        )
    assert not ProgressReport.objects.exists()


def test_tasks_breakthrough_and_visibility(tree, officer):
    due = timezone.localdate() + timedelta(days=60)
    with pytest.raises(DomainError) as error:
        services.assign_task(
            assigner_org=tree["province"],
            assignee_org=tree["bloc"],
            kind="breakthrough",
            title="Chuyển đổi số",
            due_on=due,
        )
    assert error.value.field == "assignee_person"
    task = services.assign_task(
        assigner_org=tree["province"],
        assignee_org=tree["bloc"],
        kind="breakthrough",
        title="Chuyển đổi số trong công tác đảng",
        due_on=due,
        assignee_person="Lê Văn Khối, Bí thư Đảng ủy Khối",
        target="100% chi bộ dùng sổ tay điện tử",
        indicator="Tỷ lệ chi bộ dùng sổ tay điện tử",
    )
    with pytest.raises(DomainError, match="trực thuộc"):
        services.assign_task(
            assigner_org=tree["bloc"],
            assignee_org=tree["commune"],
            kind="regular",
            title="x",
            due_on=due,
        )
    assert list(Task.objects.restrict(officer)) == [task]
    assert list(Task.objects.assigned_to(officer)) == [task]
    assert not Task.objects.assigned_by(officer).exists()
    village = factories.user(role_code="cell_secretary", on=tree["village"])
    assert not Task.objects.restrict(village).exists()
    services.report_task_progress(
        task, percent=30, status="in_progress", reported_on=timezone.localdate(), user=officer
    )
    task.refresh_from_db()
    assert task.progress == 30


def test_commitment_sign_and_evaluate(tree):
    member = tree["members_a"][0]
    commitment = services.sign_commitment(
        organization=tree["cell_a"],
        year=timezone.localdate().year,
        signer_name=member.full_name,
        position="Đảng viên",
        member=member,
        signed_on=timezone.localdate(),
        items=["Hoàn thành 100% nhiệm vụ chuyên môn", "", "Không vi phạm quy định"],
    )
    assert commitment.items.count() == 2
    results = {i.pk: (n == 0, "ghi chú") for n, i in enumerate(commitment.items.all())}
    services.evaluate_commitment(commitment, results=results, evaluated_on=timezone.localdate())
    assert [i.achieved for i in commitment.items.all()] == [True, False]
    with pytest.raises(DomainError, match="đã ký cam kết"):
        services.sign_commitment(
            organization=tree["cell_a"],
            year=timezone.localdate().year,
            signer_name=member.full_name,
            signed_on=timezone.localdate(),
            items=["x"],
        )


def test_database_rollup_equals_the_pure_rule_on_a_random_tree(tree):
    """The one-statement roll-up agrees with rules.rollup over every node's leaves."""
    import random

    rng = random.Random(8)
    prog = services.create_programme(
        organization=tree["province"],
        kind="year",
        title="Chương trình thử",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    nodes = []
    for n in range(4):
        nodes.append(
            services.add_item(
                programme=prog, title=f"Mục {n}", expected_result="x", due_on=date(2026, 12, 31)
            )
        )
    for _ in range(25):
        parent = rng.choice(nodes)
        if parent.depth >= 5:
            continue
        nodes.append(
            services.add_item(
                programme=prog,
                parent=parent,
                title="Mục con",
                expected_result="x",
                due_on=max(parent.due_on - timedelta(days=rng.randint(0, 120)), date(2026, 1, 1)),
                weight=rng.randint(1, 5),
            )
        )
    leaves = list(ProgrammeItem.objects.filter(programme=prog, numchild=0))
    for leaf in leaves:
        percent = rng.choice([0, 20, 50, 100])
        services.report_item_progress(
            leaf,
            percent=percent,
            status="done" if percent == 100 else "in_progress",
            reported_on=date(2026, 1, 2),
            evidence="x",
        )
    on = date(2026, 9, 1)
    got = queries.item_rollups(prog.pk, on=on)
    leaves = list(ProgrammeItem.objects.filter(programme=prog, numchild=0))
    for node in ProgrammeItem.objects.filter(programme=prog):
        expected = rules.rollup(
            (
                rules.Leaf(x.weight, x.progress, x.due_on)
                for x in leaves
                if x.path.startswith(node.path)
            ),
            on,
        )
        assert got[node.path] == expected, node.path
    assert any(r.overdue for r in got.values())


def test_cancel_item_takes_its_subtree_out_of_the_rollup(tree, programme):
    top = programme.items.get(depth=1)
    commune_item = top.children.get(organization=tree["commune"])
    bloc_item = top.children.get(organization=tree["bloc"])
    services.report_item_progress(
        bloc_item, percent=100, status="done", reported_on=date(2026, 1, 5), evidence="x"
    )
    with pytest.raises(DomainError, match="lý do hủy"):
        services.cancel_item(commune_item, reason=" ")
    assert services.cancel_item(commune_item, reason="Xã sáp nhập") == 1
    rollups = queries.item_rollups(programme.pk, on=date(2026, 2, 1))
    assert rollups[top.path].percent == 100.0 and rollups[top.path].leaves == 1
    assert ProgrammeItem.objects.filter(pk=commune_item.pk).exists()  # never deleted
    with pytest.raises(DomainError, match="đã bị hủy"):
        services.report_item_progress(
            commune_item, percent=10, status="in_progress", reported_on=date(2026, 1, 5)
        )
