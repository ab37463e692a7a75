from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "dangbo.reviews"
    label = "reviews"
