import time

from django.core.management.base import BaseCommand

from dangbo.demo.meetings import generate_meetings


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu sinh hoạt chi bộ 12 tháng cho mọi chi bộ (sau seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--separate-thematic",
            action="store_true",
            help="Sinh hoạt chuyên đề tách riêng (16 buổi/năm) thay vì kết hợp.",
        )

    def handle(self, *args, months, seed, separate_thematic, **options):
        started = time.monotonic()
        counts = generate_meetings(months=months, seed=seed, separate_thematic=separate_thematic)
        self.stdout.write(
            f"Đã tạo {counts['meetings']:,} buổi sinh hoạt, {counts['attendance']:,} lượt điểm "
            f"danh, {counts['superiors']:,} lượt cấp trên dự trong "
            f"{time.monotonic() - started:.1f}s."
        )
