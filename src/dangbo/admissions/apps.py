from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "dangbo.admissions"
    label = "admissions"
    verbose_name = "Kết nạp đảng viên"

    def ready(self):
        from dangbo.admissions import audit, hooks, work  # noqa: F401
