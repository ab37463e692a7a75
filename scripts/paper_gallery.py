"""Regenerate the gallery of printed documents (docs/paper/): each document type and a few
report exports produced from the demo database as a user gets them, rendered through
LibreOffice (`dangbo.core.pdf`), first page as a small PNG (pdftoppm -r 50).

    make gallery            # a fresh demo database in var/, then this script
    DANGBO_DATABASE_URL=… .venv/bin/python scripts/paper_gallery.py [out_dir]

Nothing is kept in the database: the documents are issued inside a transaction rolled back
at the end (their numbers are those the next real ones would take).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ.setdefault("DANGBO_SECOND_FACTOR", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from dangbo.core import pdf  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/paper")
# name → (description, fmt); in README order
TYPES = {
    "quyet-dinh-ket-nap": "Quyết định kết nạp đảng viên (admissions)",
    "quyet-dinh-cong-nhan-chinh-thuc": "Quyết định công nhận đảng viên chính thức (admissions)",
    "giay-gioi-thieu": "Giấy giới thiệu sinh hoạt đảng (transfers)",
    "quyet-dinh-ky-luat": "Quyết định thi hành kỷ luật đảng viên (inspections)",
    "quyet-dinh-thanh-lap": "Quyết định thành lập tổ chức đảng (organizations)",
    "quyet-dinh-hop-nhat": "Quyết định hợp nhất tổ chức đảng (organizations)",
    "bien-ban-sinh-hoat": "Biên bản sinh hoạt chi bộ (meetings)",
    "nghi-quyet-chi-bo": "Nghị quyết chi bộ (meetings)",
    "danh-sach-huy-hieu": "Danh sách tặng Huy hiệu Đảng, Word (recognition)",
    "danh-sach-huy-hieu-xlsx": "Danh sách tặng Huy hiệu Đảng, Excel (recognition)",
    "phieu-dang-vien": "Phiếu đảng viên (members)",
    "bao-cao-dang-vien-docx": "Báo cáo đảng viên theo giới tính, Word (reports)",
    "bao-cao-dang-vien-xlsx": "Báo cáo đảng viên theo giới tính, Excel (reports)",
}


def _first(queryset):
    return queryset.order_by("pk").first()


def _requests():
    """(name, method, url, data) of each file, from the demo's records."""
    from dangbo.admissions.models import AdmissionFile
    from dangbo.inspections.models import Case
    from dangbo.meetings.models import Meeting
    from dangbo.organizations.models import Organization, OrgEvent
    from dangbo.recognition.models import BadgeAward
    from dangbo.transfers.models import Transfer

    asks = []
    decided = _first(AdmissionFile.objects.exclude(member=None).exclude(decided_on=None))
    if decided:
        asks.append(
            ("quyet-dinh-ket-nap", "post", reverse("admissions:decision", args=[decided.pk]), {})
        )
    recognised = _first(AdmissionFile.objects.filter(stage="recognised"))
    if recognised:
        url = reverse("admissions:decision", args=[recognised.pk])
        asks.append(("quyet-dinh-cong-nhan-chinh-thuc", "post", url, {"paper": "recognition"}))
    transfer = _first(
        Transfer.objects.exclude(from_org=None).filter(kind__in=["official", "temporary", "out"])
    )
    if transfer:
        asks.append(
            ("giay-gioi-thieu", "post", reverse("transfers:letter", args=[transfer.pk]), {})
        )
    case = _first(Case.objects.exclude(member_discipline=None)) or _discipline()
    if case:
        asks.append(
            ("quyet-dinh-ky-luat", "post", reverse("inspections:case_decision", args=[case.pk]), {})
        )
    founded = _first(OrgEvent.objects.filter(kind="founded", organization__depth__gt=2))
    founded = founded or _found(Organization)
    if founded:
        url = reverse("organizations:event_decision", args=[founded.pk])
        asks.append(("quyet-dinh-thanh-lap", "post", url, {}))
    merged = _merge(Organization)
    if merged:
        url = reverse("organizations:event_decision", args=[merged.pk])
        asks.append(("quyet-dinh-hop-nhat", "post", url, {}))
    meeting = _first(Meeting.objects.filter(status="held").exclude(resolutions=None))
    if meeting:
        url = reverse("meetings:paper", args=[meeting.pk])
        asks.append(("bien-ban-sinh-hoat", "post", url, {"paper": "minutes"}))
        asks.append(("nghi-quyet-chi-bo", "post", url, {"paper": "resolution"}))
    award = _first(BadgeAward.objects.filter(status="awarded")) or _award()
    if award:
        root = Organization.objects.filter(depth=1).first()
        query = {"org": root.pk, "day": f"{award.award_date:%d/%m/%Y}"}
        url = reverse("recognition:ceremony")
        asks.append(("danh-sach-huy-hieu", "get", url, {**query, "export": "docx"}))
        asks.append(("danh-sach-huy-hieu-xlsx", "get", url, query))
    member = _official()
    if member:
        asks.append(
            ("phieu-dang-vien", "get", reverse("members:record_form", args=[member.pk]), {})
        )
    root = Organization.objects.filter(depth=1).first()
    query = {"org": root.pk, "breakdown": "gender"}
    for fmt in ("docx", "xlsx"):
        asks.append(
            (f"bao-cao-dang-vien-{fmt}", "get", reverse("reports:export", args=[fmt]), query)
        )
    return asks


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _decision(number):
    from dangbo.organizations.services import Decision

    today = _today()
    return Decision(number=number, decided_on=today, signer="Nguyễn Văn A", effective_date=today)


def _official():
    from dangbo.members.models import Member

    return Member.objects.filter(status="official").order_by("pk").first()


def _discipline():
    """A case ended in a reprimand (the demo has none; rolled back with the rest)."""
    from datetime import timedelta

    from dangbo.inspections import services

    member = _official()
    today = _today()
    case = services.open_case(
        member=member,
        opened_on=today - timedelta(days=30),
        decision_number="20-QĐ/UBKT",
        authority="Ủy ban kiểm tra Đảng ủy",
        signs="Dấu hiệu vi phạm quy chế làm việc",
    )
    services.discipline_member(
        case,
        form="reprimand",
        decided_on=today,
        decision_number="21-QĐ/UBKT",
        authority_org=member.organization,  # a cell reprimands its member
        reason="Vi phạm quy chế làm việc của chi bộ",
    )
    case.refresh_from_db()
    return case


def _found(Organization):
    """A cell founded under a grassroots committee (the demo's tree has no recorded events)."""
    from dangbo.organizations.models import OrgEvent, OrgType
    from dangbo.organizations.services import found_org

    parent = Organization.objects.filter(
        is_active=True, org_type__holds_members=False, org_type__is_grassroots=True
    ).first()
    cell = found_org(
        name="Chi bộ Phòng Tổng hợp",
        org_type=OrgType.objects.get(code="cell"),
        parent=parent,
        decision=_decision("14-QĐ/ĐU"),
    )
    return OrgEvent.objects.get(organization=cell, kind="founded")


def _award():
    from dangbo.recognition.models import BadgeAward

    today = _today()
    return BadgeAward.objects.create(
        member=_official(),
        milestone=30,
        award_date=today,
        status="awarded",
        reason="Đủ 30 năm tuổi đảng",
        decision_number="125-QĐ/TU",
        decided_on=today,
    )


def _merge(Organization):
    """Two cells of one committee merged (inside the rolled-back transaction)."""
    from dangbo.core.errors import DomainError
    from dangbo.members import services
    from dangbo.organizations.models import OrgEvent
    from dangbo.organizations.services import Decision

    for parent in Organization.objects.filter(is_active=True, org_type__holds_members=False):
        cells = list(
            Organization.objects.filter(
                path__startswith=parent.path,
                depth=parent.depth + 1,
                is_active=True,
                org_type__holds_members=True,
            )[:2]
        )
        if len(cells) == 2:
            from django.utils import timezone

            today = timezone.localdate()
            try:
                services.merge_orgs(
                    [cells[1]],
                    cells[0],
                    decision=Decision(
                        number="15-QĐ/ĐU",
                        decided_on=today,
                        signer="Nguyễn Văn A",
                        effective_date=today,
                    ),
                )
            except DomainError:
                continue
            return OrgEvent.objects.get(organization=cells[1], kind="merged")
    return None


def main() -> None:
    if not pdf.available():
        sys.exit(pdf.MISSING)
    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin is None:
        sys.exit("Không có tài khoản quản trị: chạy seed_demo trước (make gallery).")
    client = Client()
    client.force_login(admin)
    files = {}
    with transaction.atomic():
        for name, method, url, data in _requests():
            response = getattr(client, method)(url, data)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or "html" in kind:
                print(f"bỏ qua {name}: {response.status_code}")
                continue
            ext = "xlsx" if "spreadsheet" in kind else "docx"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            files[f"{name}.{ext}"] = body
        transaction.set_rollback(True)
    OUT.mkdir(parents=True, exist_ok=True)
    rendered = pdf.to_pdfs(files)
    with tempfile.TemporaryDirectory() as work:
        for file_name, body in rendered.items():
            name = file_name.rpartition(".")[0]
            source = Path(work) / f"{name}.pdf"
            source.write_bytes(body)
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "50",
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(source),
                    str(OUT / name),
                ],
                check=True,
            )
            print(f"{OUT / name}.png")
    _readme(sorted(n.rpartition(".")[0] for n in rendered))


def _readme(names) -> None:
    lines = [
        "# Giấy tờ in được — gallery of printed documents (#25)",
        "",
        "First page of each document type and of a few report exports, produced from the demo",
        "database as a user downloads them, rendered by LibreOffice (A4, Hướng dẫn 36-HD/VPTW),",
        "50 dpi. Regenerate: `make gallery` (scripts/paper_gallery.py).",
        "",
        "| Loại văn bản | Trang đầu |",
        "|---|---|",
    ]
    for name, label in TYPES.items():
        if name in names:
            lines.append(f"| {label} | ![{name}]({name}.png) |")
    missing = [label for name, label in TYPES.items() if name not in names]
    if missing:
        lines += ["", "Not in this demo database: " + "; ".join(missing) + "."]
    (OUT / "README.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
