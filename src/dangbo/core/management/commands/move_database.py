"""`dangbo move_database --to URL`: copy this installation (e.g. a laptop's SQLite) into a
new, empty database (e.g. PostgreSQL), verified table by table by counts and checksums."""

from django.core.management.base import BaseCommand, CommandError

from dangbo.core import backup
from dangbo.core.errors import DomainError


class Command(BaseCommand):
    help = "Chuyển toàn bộ dữ liệu sang một CSDL mới (ví dụ SQLite → PostgreSQL) và đối chiếu."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, dest="url", help="CSDL đích, trống")

    def handle(self, *args, url, **options):
        try:
            stats, differences = backup.move_database(url)
        except DomainError as error:
            raise CommandError(error.message) from error
        if differences:
            raise CommandError("Dữ liệu chuyển sang KHÔNG khớp:\n" + "\n".join(differences))
        rows = sum(t["rows"] for t in stats.values())
        self.stdout.write(f"Đã chuyển và đối chiếu {len(stats)} bảng, {rows} dòng: khớp.")
