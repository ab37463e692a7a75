"""`dangbo restore BACKUP_DIR --database-url URL [--media-root DIR]`: restore into a fresh
database and check every table's row count and checksum against the manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.core import backup
from dangbo.core.errors import DomainError


class Command(BaseCommand):
    help = "Khôi phục bản sao lưu vào một CSDL mới và đối chiếu từng bảng với tệp kiểm tra."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--database-url",
            required=True,
            help="CSDL đích, trống (sqlite:///đường/dẫn hoặc postgres://…/tên)",
        )
        parser.add_argument("--media-root", help="thư mục nhận lại tệp tải lên")
        parser.add_argument(
            "--verify-only", action="store_true", help="chỉ kiểm tra tệp sao lưu (sha256)"
        )

    def handle(self, *args, folder, database_url, media_root, verify_only, **options):
        try:
            manifest = backup.read_manifest(Path(folder))
            if verify_only:
                problems = backup.verify_files(Path(folder), manifest)
                if problems:
                    raise CommandError("; ".join(problems))
                self.stdout.write("Các tệp sao lưu khớp tệp kiểm tra.")
                return
            differences = backup.restore(
                Path(folder), database_url, Path(media_root) if media_root else None
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        if differences:
            raise CommandError("Khôi phục KHÔNG khớp bản sao lưu:\n" + "\n".join(differences))
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Đã khôi phục và đối chiếu {len(manifest['tables'])} bảng, {rows} dòng: khớp."
        )
