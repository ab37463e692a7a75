"""`dangbo table_checksums`: every table's row count and checksum as JSON (core.backup)."""

import json

from django.core.management.base import BaseCommand

from dangbo.core import backup


class Command(BaseCommand):
    help = "In số dòng và tổng kiểm tra của từng bảng (JSON)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(backup.table_stats(), indent=1))
