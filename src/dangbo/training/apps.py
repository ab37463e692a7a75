from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangbo.training"
    label = "training"
    verbose_name = "Đào tạo, bồi dưỡng"

    def ready(self):
        from dangbo.training import audit, hooks  # noqa: F401
