from django.urls import path

from dangbo.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.TreeView.as_view(), name="tree"),
    path("setup/", views.FirstRunView.as_view(), name="first_run"),
    path("pick/", views.PickView.as_view(), name="pick"),
    path("<int:pk>/", views.OrgDetailView.as_view(), name="detail"),
    path("<int:pk>/children/", views.ChildrenView.as_view(), name="children"),
    path("<int:pk>/found/", views.FoundOrgView.as_view(), name="found"),
    path("<int:pk>/rename/", views.RenameOrgView.as_view(), name="rename"),
    path("<int:pk>/move/", views.MoveOrgView.as_view(), name="move"),
    path("<int:pk>/dissolve/", views.DissolveOrgView.as_view(), name="dissolve"),
    path("events/<int:pk>/decision/", views.EventDecisionView.as_view(), name="event_decision"),
    path("documents/<int:pk>/", views.DocumentFileView.as_view(), name="document_file"),
]
