"""Benchmark of the Excel import: a 100,000-member file, validated (preview), committed,
exported, edited and imported back. Targets (issue 9): preview < 60 s, commit < 60 s,
memory < 1 GiB.

    .venv/bin/python bench/imports_bench.py                       # SQLite in a temp dir
    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench \
        .venv/bin/python bench/imports_bench.py --rows 100000

With `--shape reviews` it measures past years' classification results instead: members are
loaded first (the member import), then a file of `--rows` results (five past years, members
found by system id, ID number, or name and birth date) is previewed, committed, exported and
re-imported (all unchanged), and the import rolled back.

    .venv/bin/python bench/imports_bench.py --shape reviews --rows 20000

The database named by DANGBO_DATABASE_URL is DROPPED and re-created: never point it at real
data. Results go to bench/results/imports.json (imports_reviews.json) and stdout.
"""

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_database() -> str:
    url = os.environ.get("DANGBO_DATABASE_URL")
    if not url:
        folder = Path(tempfile.mkdtemp(prefix="dangbo-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["DANGBO_DATABASE_URL"] = url
    elif url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DANGBO_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    os.environ.setdefault("DANGBO_DATA_DIR", tempfile.mkdtemp(prefix="dangbo-bench-data-"))
    return url


def build_tree(superiors: int, grassroots: int, cells: int):
    from dangbo.organizations import services as org_services
    from dangbo.organizations.models import OrgType

    types = {t.code: t for t in OrgType.objects.all()}
    decision = org_services.Decision("01-QĐ/TW", date(2000, 1, 1), "Bench", date(2000, 1, 1))

    def found(name, code, parent):
        return org_services.found_org(
            name=name, org_type=types[code], parent=parent, decision=decision
        )

    province = found("Đảng bộ tỉnh Thử Nghiệm", "province", None)
    cell_names = []
    for s in range(1, superiors + 1):
        superior = found(f"Đảng ủy Khối {s}", "superior", province)
        for g in range(1, grassroots + 1):
            committee = found(f"Đảng bộ cơ sở {s}.{g}", "grassroots_committee", superior)
            for c in range(1, cells + 1):
                cell_names.append(found(f"Chi bộ {s}.{g}.{c}", "cell", committee).name)
    return province, cell_names


def member_file(rows: int, cell_names: list[str], bad_every: int) -> bytes:
    """A template-shaped file: realistic members, names of cells half without diacritics,
    dates as text, and a bad row every `bad_every` rows."""
    from openpyxl import Workbook

    from dangbo.core.text import normalize
    from dangbo.demo.generator import make_member
    from dangbo.imports.rules import MEMBER_SHAPE

    labels = {c.field: dict(c.choices) for c in MEMBER_SHAPE.columns if c.choices}
    rng = random.Random(9)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Đảng viên")
    ws.append([c.label for c in MEMBER_SHAPE.columns])
    for index in range(rows):
        m = make_member(rng, 10_000_000 + index)
        cell = cell_names[index % len(cell_names)]
        birth = m.birth_date.strftime("%d/%m/%Y")
        if bad_every and index % bad_every == bad_every - 1:
            birth = "31/02/1990"
        record = {
            "id": None,
            "full_name": m.full_name,
            "gender": labels["gender"][m.gender],
            "birth_date": birth,
            "id_number": m.id_number,
            "place_of_origin": m.place_of_origin,
            "ethnicity": m.ethnicity,
            "religion": labels["religion"][m.religion],
            "history_number": "",
            "education": labels["education"].get(m.education, ""),
            "qualification": labels["qualification"].get(m.qualification, ""),
            "theory_level": labels["theory_level"][m.theory_level],
            "occupation": labels["occupation"].get(m.occupation, ""),
            "workplace": "",
            "admitted_on": m.admitted_on.strftime("%d/%m/%Y"),
            "ceremony_on": m.ceremony_on.strftime("%d/%m/%Y") if m.ceremony_on else "",
            "official_on": m.official_on.strftime("%d/%m/%Y") if m.official_on else "",
            "organization": normalize(cell) if index % 2 else f"  {cell} ",
        }
        ws.append([record[c.field] for c in MEMBER_SHAPE.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def server_cpu() -> tuple[int, float] | None:
    """(pid, CPU seconds) of this connection's PostgreSQL backend (same machine: /proc)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, results: dict, fn):
    """Wall time, this process's CPU time and (PostgreSQL) the database backend's CPU time.
    The machine may be shared: CPU time is the figure that does not depend on other jobs."""
    start, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
    value = fn()
    results[label] = {
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_mib": round(peak_mib()),
    }
    after = server_cpu()
    if server and after and server[0] == after[0]:
        results[label]["db_cpu_seconds"] = round(after[1] - server[1], 2)
    r = results[label]
    db = f"  db cpu {r['db_cpu_seconds']:6.2f} s" if "db_cpu_seconds" in r else ""
    print(
        f"{label:24s} {r['seconds']:8.2f} s  cpu {r['cpu_seconds']:7.2f} s{db}  {r['peak_mib']} MiB"
    )
    return value


REVIEW_YEARS = (2021, 2022, 2023, 2024, 2025)
GRADE_WEIGHTS = (("Hoàn thành xuất sắc nhiệm vụ", 14), ("HTTNV", 78), ("hoan thanh", 6))


def review_file(members: list[tuple], rows: int, bad_every: int) -> bytes:
    """Results of REVIEW_YEARS for the members (id, name, birth, ID number, admitted): one row
    per member and year from their admission, a bad row every `bad_every` rows."""
    from openpyxl import Workbook

    from dangbo.imports.rules import REVIEW_SHAPE

    rng = random.Random(11)
    labels = [label for label, _w in GRADE_WEIGHTS]
    weights = [w for _label, w in GRADE_WEIGHTS]
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Kết quả xếp loại")
    ws.append([c.label for c in REVIEW_SHAPE.columns])
    written = 0
    for pk, name, birth, number, admitted in members:
        for year in REVIEW_YEARS:
            if written == rows:
                break
            if year < admitted.year:
                continue
            way = written % 10
            record = {
                "id": pk if way < 6 else None,
                "full_name": name,
                "birth_date": birth.strftime("%d/%m/%Y") if way >= 9 else None,
                "id_number": number if 6 <= way < 9 else None,
                "year": year,
                "grade": rng.choices(labels, weights)[0] if rng.random() > 0.02 else None,
                "exemption": None,
            }
            if record["grade"] is None:
                record["exemption"] = "Miễn sinh hoạt"
            if bad_every and written % bad_every == bad_every - 1:
                record["year"] = 2999
            ws.append([record.get(c.field) for c in REVIEW_SHAPE.columns])
            written += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reviews_main(args, results: dict, user, province, cells) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangbo.imports import services
    from dangbo.members.models import Member
    from dangbo.reviews.models import MemberReview, OrgReview, ReviewYear

    def preview(data, name, kind):
        job = services.start_import(
            user=user, root=province, kind=kind, uploaded=SimpleUploadedFile(name, data)
        )
        return services.set_mapping(job, services.job_mapping(job), user=user)

    members = args.rows // len(REVIEW_YEARS) * 13 // 10
    content = member_file(members, cells, 0)
    job = timed("members (setup)", results, lambda: preview(content, "dv.xlsx", "members"))
    job = services.request_commit(job, user=user, skip_errors=True)
    assert job.state == "committed", job.error_message
    rows = Member.objects.order_by("pk").values_list(
        "pk", "full_name", "birth_date", "id_number", "admitted_on"
    )
    content = timed(
        "generate file", results, lambda: review_file(list(rows), args.rows, args.bad_every)
    )
    results["file_mib"] = round(len(content) / 2**20, 1)
    job = timed("validate + preview", results, lambda: preview(content, "kq.xlsx", "reviews"))
    assert job.state == "previewed", job.error_message
    results["preview_counts"] = job.counts
    job = timed(
        "commit (new results)",
        results,
        lambda: services.request_commit(job, user=user, skip_errors=True),
    )
    assert job.state == "committed", job.error_message
    results["member_reviews"] = MemberReview.objects.count()
    results["review_years"] = ReviewYear.objects.count()
    results["org_rows"] = OrgReview.objects.count()
    exported, _log = timed(
        "export", results, lambda: services.export_bytes("reviews", user=user, root=province)
    )
    again = timed("re-import preview", results, lambda: preview(exported, "xuat.xlsx", "reviews"))
    results["reimport_counts"] = again.counts
    undone = timed("rollback", results, lambda: services.request_rollback(job, user=user))
    assert undone.state == "rolled_back", undone.error_message
    results["member_reviews_after_rollback"] = MemberReview.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=["members", "reviews"], default="members")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-every", type=int, default=1000)
    parser.add_argument("--edit", type=int, default=5000, help="rows changed before re-import")
    parser.add_argument("--output", default="")
    args = parser.parse_args()
    name = "imports.json" if args.shape == "members" else "imports_reviews.json"
    args.output = args.output or str(ROOT / "bench" / "results" / name)

    url = prepare_database()
    import django
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model
    from openpyxl import load_workbook

    from dangbo.imports import services
    from dangbo.members.models import Member

    results: dict = {
        "rows": args.rows,
        "database": url.split(":", 1)[0],
        "load_average_start": os.getloadavg()[0],
    }
    user = get_user_model().objects.create_superuser("bench", password="bench-2026")
    province, cells = timed("tree (200 cells)", results, lambda: build_tree(4, 10, 5))
    if args.shape == "reviews":
        reviews_main(args, results, user, province, cells)
        write(results, args.output)
        return
    content = timed("generate file", results, lambda: member_file(args.rows, cells, args.bad_every))
    results["file_mib"] = round(len(content) / 2**20, 1)

    def preview(data, name):
        job = services.start_import(
            user=user, root=province, kind="members", uploaded=SimpleUploadedFile(name, data)
        )
        return services.set_mapping(job, services.job_mapping(job), user=user)

    job = timed("validate + preview", results, lambda: preview(content, "dang_vien.xlsx"))  # noqa: F821
    assert job.state == "previewed", job.error_message
    results["preview_counts"] = job.counts
    job = timed(
        "commit (new members)",
        results,
        lambda: services.request_commit(job, user=user, skip_errors=True),
    )
    assert job.state == "committed", job.error_message
    results["members_after_commit"] = Member.objects.count()

    exported, _log = timed(
        "export", results, lambda: services.export_bytes("members", user=user, root=province)
    )
    del content

    def edit() -> bytes:
        """What a user does in Excel, streamed (read-only in, write-only out)."""
        from openpyxl import Workbook

        source = load_workbook(io.BytesIO(exported), read_only=True)
        out = Workbook(write_only=True)
        ws = out.create_sheet("Đảng viên")
        step = max(1, args.rows // args.edit)
        for n, values in enumerate(source.worksheets[0].iter_rows(values_only=True)):
            values = list(values)
            if n and (n - 1) % step == 0:
                values[13] = "Nơi làm việc mới"  # Nơi làm việc
            ws.append(values)
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()

    edited = timed("edit export (openpyxl)", results, edit)
    job2 = timed("re-import preview", results, lambda: preview(edited, "da_sua.xlsx"))
    results["reimport_counts"] = job2.counts
    job2 = timed(
        "commit (updates)",
        results,
        lambda: services.request_commit(job2, user=user, skip_errors=True),
    )
    assert job2.state == "committed", job2.error_message
    write(results, args.output)


def write(results: dict, output: str) -> None:
    results["peak_rss_mib"] = round(peak_mib())
    results["load_average_end"] = os.getloadavg()[0]
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
