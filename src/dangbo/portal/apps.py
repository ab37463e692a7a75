from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dangbo.portal"
    label = "portal"
