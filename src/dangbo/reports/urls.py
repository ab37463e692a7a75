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
    path("module/<slug:key>/", views.ModuleReportView.as_view(), name="module"),
    path("module/<slug:key>/card/", views.ModuleCardView.as_view(), name="module_card"),
    path("module/<slug:key>/rows/", views.ModuleRowsView.as_view(), name="module_rows"),
    path(
        "module/<slug:key>/export/<str:fmt>/",
        views.ModuleExportView.as_view(),
        name="module_export",
    ),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshots"),
    path("snapshots/new/", views.SnapshotCreateView.as_view(), name="snapshot_create"),
    path("snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot"),
    path("exports/", views.ExportJobListView.as_view(), name="exports"),
    path("exports/new/", views.ExportStartView.as_view(), name="export_start"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("exports/<int:pk>/retry/", views.ExportRetryView.as_view(), name="export_retry"),
]
