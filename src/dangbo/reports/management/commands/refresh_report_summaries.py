import time
from datetime import date

from django.core.management.base import BaseCommand

from dangbo.reports import month_ends, summaries


class Command(BaseCommand):
    help = (
        "Đếm lại số liệu tổng hợp theo tiêu chí cho các cấp trên cùng và số đảng viên mọi ngày "
        "cuối tháng chưa đếm hoặc đã có thay đổi ghi lùi ngày (chạy định kỳ, ví dụ hằng đêm)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--depth", type=int, default=None, help="đến cấp (mặc định 2)")
        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            default=None,
            help="đếm các ngày cuối tháng từ ngày này (YYYY-MM-DD; mặc định: từ khi có đảng viên "
            "đầu tiên trong sổ)",
        )
        parser.add_argument(
            "--skip-month-ends", action="store_true", help="không đếm số liệu cuối tháng"
        )

    def handle(self, *args, **options):
        run = summaries.refresh(options["depth"])
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            f"Đã tổng hợp {run.rows} dòng đến cấp {run.max_depth} trong {seconds:.1f}s."
        )
        if options["skip_month_ends"]:
            return
        started = time.monotonic()
        dates = month_ends.default_dates(run.as_of, options["since"])
        counted = month_ends.refresh(dates, today=run.as_of)
        self.stdout.write(
            f"Đã đếm {counted}/{len(dates)} ngày cuối tháng (các ngày khác không đổi) trong "
            f"{time.monotonic() - started:.1f}s."
        )
