from django.urls import path

from dangbo.members import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("duplicates/", views.DuplicatesView.as_view(), name="duplicates"),
    path(
        "<int:pk>/merge-into/<int:survivor>/",
        views.MergeDuplicateView.as_view(),
        name="merge_duplicate",
    ),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/record-form/", views.RecordFormView.as_view(), name="record_form"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/status/", views.MemberStatusView.as_view(), name="status"),
    path("<int:pk>/leave/", views.MemberLeaveView.as_view(), name="leave"),
    path("<int:pk>/readmit/", views.MemberReadmitView.as_view(), name="readmit"),
    path("orgs/<int:pk>/merge/", views.MergeOrgView.as_view(), name="org_merge"),
    path("orgs/<int:pk>/split/", views.SplitOrgView.as_view(), name="org_split"),
]
