from django.core.management.base import BaseCommand

from dangbo.reports import summaries


class Command(BaseCommand):
    help = "Đếm lại số liệu tổng hợp theo tiêu chí cho các cấp trên cùng (chạy định kỳ)."

    def add_arguments(self, parser):
        parser.add_argument("--depth", type=int, default=None, help="đến cấp (mặc định 2)")

    def handle(self, *args, **options):
        run = summaries.refresh(options["depth"])
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            f"Đã tổng hợp {run.rows} dòng đến cấp {run.max_depth} trong {seconds:.1f}s."
        )
