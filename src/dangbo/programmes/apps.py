from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "dangbo.programmes"
    label = "programmes"
