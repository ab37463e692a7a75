from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dangbo.imports"
    label = "imports"
    verbose_name = "Nhập, xuất dữ liệu"

    def ready(self):
        from dangbo.core import jobs
        from dangbo.imports import audit, services  # noqa: F401

        jobs.register(services.JOBS)
