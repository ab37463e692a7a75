from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "dangbo.admissions"
    label = "admissions"
