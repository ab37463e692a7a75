from django.urls import path

from dangbo.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="index"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("programmes/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("list/", views.InspectionListView.as_view(), name="list"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="detail"),
    path("<int:pk>/start/", views.StartView.as_view(), name="start"),
    path("<int:pk>/documents/new/", views.DocumentView.as_view(), name="document"),
    path("<int:pk>/conclude/", views.ConcludeView.as_view(), name="conclude"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("<int:pk>/remedies/new/", views.RemedyAddView.as_view(), name="remedy_add"),
    path("remedies/", views.RemedyListView.as_view(), name="remedies"),
    path("remedies/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="remedy_follow_up"),
    path("remedies/<int:pk>/confirm/", views.ConfirmRemedyView.as_view(), name="remedy_confirm"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case"),
    path("cases/<int:pk>/close/", views.CloseCaseView.as_view(), name="case_close"),
    path("cases/<int:pk>/discipline/", views.CaseDisciplineView.as_view(), name="case_discipline"),
    path("cases/<int:pk>/decision/", views.CaseDecisionView.as_view(), name="case_decision"),
    path("cases/<int:pk>/appeal/", views.AppealView.as_view(), name="appeal"),
    path("appeals/<int:pk>/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaints"),
    path("complaints/new/", views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint"),
    path(
        "complaints/<int:pk>/assign/", views.AssignComplaintView.as_view(), name="complaint_assign"
    ),
    path(
        "complaints/<int:pk>/answer/", views.AnswerComplaintView.as_view(), name="complaint_answer"
    ),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("pick/orgs/", views.PickOrgView.as_view(), name="pick_org"),
    path("pick/members/", views.PickMemberView.as_view(), name="pick_member"),
]
