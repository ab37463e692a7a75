import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dangbo.demo.generator import SIZES, plan_tree
from dangbo.demo.history import add_history
from dangbo.demo.inspections import seed_inspections
from dangbo.demo.lifecycle import seed_lifecycle
from dangbo.demo.meetings import generate_meetings
from dangbo.demo.modules import seed_modules
from dangbo.demo.portal import seed_portal
from dangbo.demo.reviews import seed_history as seed_review_history
from dangbo.demo.surveys import seed_surveys
from dangbo.demo.users import DEMO_PASSWORD, create_demo_users
from dangbo.demo.writer import BULK_TABLES, BULK_THRESHOLD, write_all
from dangbo.members import summary
from dangbo.organizations.models import Organization
from dangbo.reports import summaries as report_summaries
from dangbo.reports import upkeep


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu có thể lặp lại (small | province | national)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="Bỏ qua nếu cơ sở dữ liệu đã có tổ chức."
        )
        parser.add_argument("--no-users", action="store_true")

    def handle(self, *args, size, seed, if_empty, no_users, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("Đã có dữ liệu; bỏ qua sinh dữ liệu mẫu.")
                return
            raise CommandError("Cơ sở dữ liệu đã có tổ chức; dùng một cơ sở dữ liệu trống.")
        started = time.monotonic()
        root = add_history(plan_tree(size, seed), seed)

        def progress(done, total):
            self.stdout.write(f"  {done:,}/{total:,} đảng viên ({time.monotonic() - started:.0f}s)")

        orgs, members, moved = write_all(root, seed, progress)
        decisions = sum(len(p.events) for p in root.walk())
        self.stdout.write(
            f"Lịch sử 20 năm: {decisions:,} quyết định về tổ chức, {moved:,} đảng viên từng "
            "sinh hoạt ở chi bộ khác."
        )
        if connection.vendor == "postgresql" and members >= BULK_THRESHOLD:
            # Fresh visibility map and statistics: index-only scans on the covering index.
            with connection.cursor() as cursor:
                for table in (
                    *BULK_TABLES,
                    "members_name_key",  # written by triggers (members migration 0007)
                    "organizations_organization",
                    "organizations_orgperiod",
                ):
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
        files, moved = seed_lifecycle()
        self.stdout.write(f"Đã tạo {files} hồ sơ kết nạp mẫu và {moved} giấy giới thiệu mẫu.")
        if size == "small":
            top = Organization.objects.get(depth=1)
            seed_modules(top, seed)
            generate_meetings(seed=seed)
            seed_review_history(top, seed)
            seed_surveys(top, seed)
        self.stdout.write(
            f"Đã tạo {orgs:,} tổ chức và {members:,} đảng viên trong "
            f"{time.monotonic() - started:.1f}s."
        )
        if size != "national":
            inspections = seed_inspections(seed)
            self.stdout.write(f"Đã tạo {inspections:,} cuộc kiểm tra, giám sát.")
        summary.rebuild()  # after every demo module, so the per-ancestor counts are exact
        report_summaries.refresh()  # top-level dashboards (age band, education…)
        upkeep.request_recount()  # past month ends: counted by the task worker
        if not no_users:
            for username, full_name, where in create_demo_users():
                self.stdout.write(f"  {username} / {DEMO_PASSWORD}  — {full_name} ({where})")
            self.stdout.write(seed_portal())
