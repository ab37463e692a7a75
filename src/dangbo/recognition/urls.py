from django.urls import path

from dangbo.recognition import views

app_name = "recognition"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("propose/", views.ProposeView.as_view(), name="propose"),
    path("decide/", views.DecideView.as_view(), name="decide"),
    path("ceremony.xlsx", views.CeremonyExportView.as_view(), name="ceremony"),
]
