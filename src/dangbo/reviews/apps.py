from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "dangbo.reviews"
    label = "reviews"
    verbose_name = "Đánh giá, xếp loại"

    def ready(self):
        from dangbo.reviews import audit, hooks, work  # noqa: F401
