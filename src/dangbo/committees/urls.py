from django.urls import path

from dangbo.committees import views

app_name = "committees"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("orgs/<int:pk>/", views.OrgCommitteeView.as_view(), name="org"),
    path("orgs/<int:pk>/xlsx/", views.OrgCommitteeExportView.as_view(), name="org_export"),
    path("orgs/<int:pk>/congress/", views.CongressCreateView.as_view(), name="congress_add"),
    path("orgs/<int:pk>/change/", views.ChangeCreateView.as_view(), name="change_add"),
    path("orgs/<int:pk>/scope/", views.ScopeView.as_view(), name="scope"),
    path("orgs/<int:pk>/scope/xlsx/", views.ScopeExportView.as_view(), name="scope_export"),
    path("orgs/<int:pk>/scope/add/", views.ScopeCreateView.as_view(), name="scope_add"),
    path("congresses/<int:pk>/", views.CongressDetailView.as_view(), name="congress"),
    path("congresses/<int:pk>/election/", views.ElectionCreateView.as_view(), name="election_add"),
    path("holders/", views.HoldersView.as_view(), name="holders"),
    path("holders/xlsx/", views.HoldersExportView.as_view(), name="holders_export"),
    path("members/<int:pk>/agency/", views.AgencyPositionCreateView.as_view(), name="agency_add"),
    path("agency/<int:pk>/end/", views.AgencyPositionEndView.as_view(), name="agency_end"),
    path("planning/", views.PlanningIndexView.as_view(), name="planning_index"),
    path("planning/<int:pk>/", views.PlanningView.as_view(), name="planning"),
    path("planning/<int:pk>/xlsx/", views.PlanningExportView.as_view(), name="planning_export"),
    path("planning/<int:pk>/docx/", views.PlanningDocxView.as_view(), name="planning_docx"),
    path("planning/<int:pk>/post/", views.PlannedPostCreateView.as_view(), name="post_add"),
    path(
        "planning/posts/<int:pk>/candidate/",
        views.CandidateCreateView.as_view(),
        name="candidate_add",
    ),
    path(
        "planning/candidates/<int:pk>/remove/",
        views.CandidateRemoveView.as_view(),
        name="candidate_remove",
    ),
    path("comments/", views.CommentsView.as_view(), name="comments"),
    path("comments/appointment/", views.AppointmentCreateView.as_view(), name="appointment_add"),
    path(
        "comments/appointment/<int:pk>/",
        views.AppointmentRespondView.as_view(),
        name="appointment_respond",
    ),
    path("comments/residence/", views.ResidenceCreateView.as_view(), name="residence_add"),
    path(
        "comments/residence/<int:pk>/",
        views.ResidenceRespondView.as_view(),
        name="residence_respond",
    ),
    path("pick/orgs/", views.PickOrgView.as_view(), name="pick_org"),
    path("pick/members/", views.PickMemberView.as_view(), name="pick_member"),
]
