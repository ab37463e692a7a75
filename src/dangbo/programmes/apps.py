from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "dangbo.programmes"
    label = "programmes"
    verbose_name = "Văn bản, chương trình công tác"

    def ready(self):
        from dangbo.programmes import audit, hooks, work  # noqa: F401
