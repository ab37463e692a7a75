from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "dangbo.inspections"
    label = "inspections"
