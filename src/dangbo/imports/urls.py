from django.urls import path

from dangbo.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.JobListView.as_view(), name="index"),
    path("new/", views.UploadView.as_view(), name="upload"),
    path("template/<str:kind>/", views.TemplateView.as_view(), name="template"),
    path("export/<str:kind>/", views.ExportView.as_view(), name="export"),
    path("<int:pk>/", views.JobDetailView.as_view(), name="detail"),
    path("<int:pk>/progress/", views.JobProgressView.as_view(), name="progress"),
    path("<int:pk>/mapping/", views.MappingView.as_view(), name="mapping"),
    path("<int:pk>/commit/", views.CommitView.as_view(), name="commit"),
    path("<int:pk>/rollback/", views.RollbackView.as_view(), name="rollback"),
    path("<int:pk>/discard/", views.DiscardView.as_view(), name="discard"),
    path("<int:pk>/retry/", views.RetryView.as_view(), name="retry"),
    path("<int:pk>/file/", views.JobFileView.as_view(), name="file"),
]
