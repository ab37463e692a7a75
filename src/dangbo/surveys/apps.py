from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dangbo.surveys"
    label = "surveys"
