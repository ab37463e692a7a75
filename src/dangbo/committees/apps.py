from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "dangbo.committees"
    label = "committees"
    verbose_name = "Cấp ủy, cán bộ"

    def ready(self):
        from dangbo.committees import audit, hooks  # noqa: F401
