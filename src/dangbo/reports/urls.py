from django.urls import path

from dangbo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("quality/", views.QualityView.as_view(), name="quality"),
    path("members/", views.MemberReportView.as_view(), name="members"),
    path("members/export/<str:fmt>/", views.MemberReportExportView.as_view(), name="export"),
    path("members/rows/", views.MemberRowsView.as_view(), name="rows"),
]
