from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dangbo.surveys"
    label = "surveys"
    verbose_name = "Khảo sát, đánh giá"

    def ready(self):
        from dangbo.surveys import audit, widgets  # noqa: F401
