"""`dangbo reap_stale_jobs`: mark failed the background jobs whose worker died (core.jobs)."""

import json

from django.core.management.base import BaseCommand

from dangbo.core import jobs


class Command(BaseCommand):
    help = (
        "Đánh dấu thất bại các việc chạy nền mà tiến trình xử lý đã dừng (không còn tín hiệu "
        "sống); in số việc theo loại (JSON)."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(jobs.reap_all()))
