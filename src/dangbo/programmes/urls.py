from django.urls import path

from dangbo.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("pick/", views.PickOrgView.as_view(), name="pick_org"),
    path("documents/", views.DocumentListView.as_view(), name="documents"),
    path("documents/new/", views.DocumentCreateView.as_view(), name="document_create"),
    path("documents/counts/", views.DocumentCountsView.as_view(), name="document_counts"),
    path(
        "documents/counts.xlsx",
        views.DocumentCountsExportView.as_view(),
        name="document_counts_xlsx",
    ),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/file/", views.DocumentFileView.as_view(), name="document_file"),
    path("list/", views.ProgrammeListView.as_view(), name="programmes"),
    path("new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("<int:pk>/report.docx", views.ProgrammeReportDocxView.as_view(), name="programme_docx"),
    path("<int:pk>/items/new/", views.ItemCreateView.as_view(), name="item_create"),
    path("items/flagged/", views.FlaggedItemsView.as_view(), name="flagged_items"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:item_pk>/new/", views.ItemCreateView.as_view(), name="subitem_create"),
    path("items/<int:pk>/cascade/", views.ItemCascadeView.as_view(), name="item_cascade"),
    path("items/<int:pk>/report/", views.ItemReportView.as_view(), name="item_report"),
    path("items/<int:pk>/cancel/", views.ItemCancelView.as_view(), name="item_cancel"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/report/", views.TaskReportView.as_view(), name="task_report"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitments"),
    path("commitments/new/", views.CommitmentCreateView.as_view(), name="commitment_create"),
    path("commitments/<int:pk>/", views.CommitmentDetailView.as_view(), name="commitment_detail"),
    path(
        "commitments/<int:pk>/evaluate/",
        views.CommitmentEvaluateView.as_view(),
        name="commitment_evaluate",
    ),
]
