import time

from django.core.management.base import BaseCommand

from dangbo.meetings import tally


class Command(BaseCommand):
    help = (
        "Tính lại bảng tổng hợp lũy kế sinh hoạt chi bộ theo tháng (sau khi nạp dữ liệu hàng loạt)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = tally.rebuild()
        self.stdout.write(
            f"Đã tính {rows:,} dòng tổng hợp trong {time.monotonic() - started:.1f}s."
        )
