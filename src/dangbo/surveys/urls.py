from django.urls import path

from dangbo.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="index"),
    path("new/", views.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/sample/", views.SampleView.as_view(), name="sample"),
    path("<int:pk>/sample/add/", views.SampleAddView.as_view(), name="sample_add"),
    path("<int:pk>/teams/new/", views.TeamAddView.as_view(), name="team_add"),
    path("<int:pk>/visits/new/", views.VisitAddView.as_view(), name="visit_add"),
    path("<int:pk>/groups/new/", views.GroupAddView.as_view(), name="group_add"),
    path("<int:pk>/versions/new/", views.VersionNewView.as_view(), name="version_new"),
    path("versions/<int:pk>/", views.VersionDetailView.as_view(), name="version"),
    path("versions/<int:pk>/questions/new/", views.QuestionAddView.as_view(), name="question_add"),
    path("versions/<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/codes/", views.CodesView.as_view(), name="codes"),
    path("<int:pk>/entry/", views.EntryView.as_view(), name="entry"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/results.xlsx", views.ExportXlsxView.as_view(), name="export_xlsx"),
    path("<int:pk>/report.docx", views.ExportDocxView.as_view(), name="export_docx"),
    path("<int:pk>/findings/new/", views.FindingAddView.as_view(), name="finding_add"),
    path("findings/<int:pk>/task/", views.FindingTaskView.as_view(), name="finding_task"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("answer/", views.AnswerView.as_view(), name="answer"),
    path("answer/<str:code>/", views.AnswerView.as_view(), name="answer_code"),
]
