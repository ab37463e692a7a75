from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangbo.training"
    label = "training"
