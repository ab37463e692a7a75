"""`dangbo backup [--output DIR] [--no-media]`: a verified backup folder (core.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import backup
from dangbo.core.errors import DomainError


class Command(BaseCommand):
    help = "Sao lưu CSDL (SQLite: online backup; PostgreSQL: pg_dump -Fc) kèm tệp kiểm tra."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.DATA_DIR) / "backups"))
        parser.add_argument("--no-media", action="store_true", help="bỏ qua tệp tải lên")

    def handle(self, *args, output, no_media, **options):
        try:
            folder = backup.backup(Path(output), media=not no_media)
        except DomainError as error:
            raise CommandError(error.message) from error
        manifest = backup.read_manifest(folder)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"Đã sao lưu {len(manifest['tables'])} bảng, {rows} dòng vào {folder}")
        self.stdout.write(str(folder))
