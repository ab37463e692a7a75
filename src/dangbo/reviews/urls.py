from django.urls import path

from dangbo.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("open/", views.OpenYearView.as_view(), name="open"),
    path("org/<int:pk>/", views.OverviewView.as_view(), name="overview"),
    path("org/<int:pk>/entry/", views.EntryView.as_view(), name="entry"),
    path("org/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("org/<int:pk>/decide-orgs/", views.DecideOrgsView.as_view(), name="decide_orgs"),
    path("org/<int:pk>/decide-root/", views.DecideRootView.as_view(), name="decide_root"),
    path("org/<int:pk>/score/", views.OrgScoreView.as_view(), name="org_score"),
    path("org/<int:pk>/close/", views.CloseYearView.as_view(), name="close"),
    path("org/<int:pk>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("org/<int:pk>/export.docx", views.ExportDocxView.as_view(), name="export_docx"),
    path("member/<int:member_pk>/", views.MemberResultsView.as_view(), name="member"),
    path("review/<int:pk>/self/", views.SelfAssessmentView.as_view(), name="self"),
    path("review/<int:pk>/appeal/", views.AppealView.as_view(), name="appeal"),
    path("review/<int:pk>/final/", views.FinalGradeView.as_view(), name="final"),
    path("absences/", views.AbsenceListView.as_view(), name="absences"),
    path("member/<int:pk>/absence/", views.AbsenceCreateView.as_view(), name="absence_create"),
    path("absences/<int:pk>/end/", views.AbsenceEndView.as_view(), name="absence_end"),
]
