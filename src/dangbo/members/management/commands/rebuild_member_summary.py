import time

from django.core.management.base import BaseCommand

from dangbo.members import summary


class Command(BaseCommand):
    help = "Dựng lại bảng tổng hợp số đảng viên theo tổ chức (đếm lại toàn bộ sổ đảng viên)."

    def handle(self, *args, **options):
        started = time.monotonic()
        state = summary.rebuild()
        self.stdout.write(
            f"Đã dựng lại bảng tổng hợp cho {state.rebuilt_members:,} đảng viên trong "
            f"{time.monotonic() - started:.1f}s."
        )
