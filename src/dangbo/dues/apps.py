from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangbo.dues"
    label = "dues"
