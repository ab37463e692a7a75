from django.urls import path

from dangbo.admissions import views

app_name = "admissions"
urlpatterns = [
    path("", views.FileListView.as_view(), name="index"),
    path("new/", views.FileCreateView.as_view(), name="create"),
    path("targets/", views.TargetsView.as_view(), name="targets"),
    path("targets/set/", views.TargetSetView.as_view(), name="target_set"),
    path("targets/term/set/", views.TermTargetSetView.as_view(), name="term_target_set"),
    path("targets/term/admitted/", views.TermAdmittedView.as_view(), name="term_admitted"),
    path("<int:pk>/", views.FileDetailView.as_view(), name="detail"),
    path("<int:pk>/docx/", views.FileDocxView.as_view(), name="docx"),
    path("<int:pk>/steps/<int:step>/docx/", views.StepDocxView.as_view(), name="step_docx"),
    path("<int:pk>/step/<str:stage>/", views.StepView.as_view(), name="step"),
    path("<int:pk>/extend/", views.ExtendView.as_view(), name="extend"),
    path("<int:pk>/withdraw/", views.WithdrawStepView.as_view(), name="withdraw"),
    path("<int:pk>/decision/", views.DecisionView.as_view(), name="decision"),
]
