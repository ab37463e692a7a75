from django.urls import path

from dangbo.training import views

app_name = "training"
urlpatterns = [
    path("", views.ClassListView.as_view(), name="index"),
    path("new/", views.ClassCreateView.as_view(), name="create"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("<int:pk>/", views.ClassDetailView.as_view(), name="detail"),
    path("<int:pk>/<slug:action>/", views.ClassActionView.as_view(), name="action"),
]
