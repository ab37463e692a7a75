from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "dangbo.transfers"
    label = "transfers"
