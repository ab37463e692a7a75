from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "dangbo.recognition"
    label = "recognition"
