from django.core.management.base import BaseCommand, CommandError

from dangbo.demo import reviews as demo
from dangbo.organizations.models import Organization
from dangbo.reviews import services
from dangbo.reviews.models import ReviewYear


class Command(BaseCommand):
    help = "Sinh lịch sử đánh giá, xếp loại mẫu: 5 năm đã kết thúc và 1 năm đang mở."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, seed, if_empty, **options):
        if ReviewYear.objects.exists():
            if if_empty:
                self.stdout.write("Đã có đợt đánh giá; bỏ qua.")
                return
            raise CommandError("Đã có đợt đánh giá; dùng một cơ sở dữ liệu chưa có.")
        roots = list(
            Organization.objects.filter(depth=1, is_active=True).select_related("org_type")
        )
        for root in roots:
            demo.seed_history(root, seed)
            for row in services.shares(root.path):
                if row.member_shares["htxs"] is None:
                    self.stdout.write(f"{root.name} {row.year}: đang đánh giá")
                    continue
                self.stdout.write(
                    f"{root.name} {row.year}: HTXSNV {row.member_shares['htxs']}%, "
                    f"HTTNV {row.member_shares['htt']}%, TCCSĐ HTTNV trở lên "
                    f"{row.grassroots_shares['good_or_better']}%"
                )
