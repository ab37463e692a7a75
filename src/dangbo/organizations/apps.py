from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "dangbo.organizations"
    label = "organizations"
    verbose_name = "Tổ chức đảng"

    def ready(self):
        from dangbo.organizations import audit, search  # noqa: F401
