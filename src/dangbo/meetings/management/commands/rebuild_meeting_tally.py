import time

from django.core.management.base import BaseCommand

from dangbo.meetings import absences, tally


class Command(BaseCommand):
    help = (
        "Tính lại bảng tổng hợp lũy kế sinh hoạt chi bộ theo tháng và các tháng vắng không lý do "
        "liên tiếp của đảng viên (sau khi nạp dữ liệu hàng loạt)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = tally.rebuild()
        self.stdout.write(
            f"Đã tính {rows:,} dòng tổng hợp trong {time.monotonic() - started:.1f}s."
        )
        started = time.monotonic()
        rows = absences.rebuild()
        self.stdout.write(
            f"Đã tính {rows:,} tháng vắng không lý do trong {time.monotonic() - started:.1f}s."
        )
