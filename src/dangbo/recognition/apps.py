from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "dangbo.recognition"
    label = "recognition"
    verbose_name = "Huy hiệu, khen thưởng"

    def ready(self):
        from dangbo.recognition import audit, receivers, work  # noqa: F401
