from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangbo.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self):
        from dangbo.core import jobs
        from dangbo.reports import audit, services, upkeep  # noqa: F401

        jobs.register(services.EXPORT_JOBS)
