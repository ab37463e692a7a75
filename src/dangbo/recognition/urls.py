from django.urls import path

from dangbo.recognition import views

app_name = "recognition"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("propose/", views.ProposeView.as_view(), name="propose"),
    path("decide/", views.DecideView.as_view(), name="decide"),
    path("commendations/", views.CommendationListView.as_view(), name="commendations"),
    path(
        "members/<int:pk>/commendations/new/",
        views.CommendationCreateView.as_view(),
        name="commend",
    ),
    path("commendations/new-org/", views.OrgCommendationCreateView.as_view(), name="commend_org"),
    path("streaks/", views.StreakProposalsView.as_view(), name="streaks"),
    path("streaks/refresh/", views.StreakRefreshView.as_view(), name="streaks_refresh"),
    path("streaks/decide/", views.StreakDecideView.as_view(), name="streaks_decide"),
    path("ceremony.xlsx", views.CeremonyExportView.as_view(), name="ceremony"),
]
