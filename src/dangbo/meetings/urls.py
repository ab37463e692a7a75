from django.urls import path

from dangbo.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="index"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("cells/<int:pk>/", views.CellCalendarView.as_view(), name="cell"),
    path("cells/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("cells/<int:pk>/plan-year/", views.PlanYearView.as_view(), name="plan_year"),
    path("cells/<int:pk>/superiors/", views.AssignSuperiorView.as_view(), name="assign"),
    path("assignments/<int:pk>/end/", views.EndAssignmentView.as_view(), name="assign_end"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/prepare/", views.PrepareView.as_view(), name="prepare"),
    path("<int:pk>/documents/", views.DocumentView.as_view(), name="document"),
    path("documents/<int:pk>/file/", views.DocumentFileView.as_view(), name="document_file"),
    path("<int:pk>/superiors/", views.SuperiorView.as_view(), name="superior"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("<int:pk>/record/", views.RecordView.as_view(), name="record"),
    path("<int:pk>/resolutions/", views.ResolutionView.as_view(), name="resolution"),
    path("<int:pk>/paper/", views.PaperView.as_view(), name="paper"),
    path("<int:pk>/score/", views.ScoreView.as_view(), name="score"),
    path("tasks/<int:pk>/done/", views.TaskDoneView.as_view(), name="task_done"),
    path("criteria/", views.CriteriaListView.as_view(), name="criteria"),
    path("criteria/new/", views.CriteriaCreateView.as_view(), name="criteria_create"),
    path("criteria/<int:pk>/", views.CriteriaDetailView.as_view(), name="criteria_detail"),
]
