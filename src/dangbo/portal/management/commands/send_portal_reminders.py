from django.core.management.base import BaseCommand

from dangbo.portal import services


class Command(BaseCommand):
    help = "Nhắc đảng viên các buổi sinh hoạt và nhiệm vụ sắp đến hạn (chạy hằng ngày)."

    def handle(self, *args, **options):
        sent = services.send_reminders()
        self.stdout.write(f"Đã gửi {sent} lời nhắc.")
