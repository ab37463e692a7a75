from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangbo.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self):
        from django.db.backends.signals import connection_created

        from dangbo.core import audit  # noqa: F401  (registers the audited models)
        from dangbo.core.collation import register_sqlite

        connection_created.connect(register_sqlite, dispatch_uid="dangbo.vi_collation")

        _hide_second_factor_devices_from_admin_site()


def _hide_second_factor_devices_from_admin_site():
    """django-otp registers its devices on the Django admin site, where a superuser could read
    an officer's TOTP secret or delete it unlogged; second factors are managed only through
    the enrolment pages and the logged reset (dangbo.core.twofactor)."""
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
