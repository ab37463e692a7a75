from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangbo.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        from dangbo.members import audit, hooks, receivers, search  # noqa: F401
