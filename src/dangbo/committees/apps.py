from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "dangbo.committees"
    label = "committees"
