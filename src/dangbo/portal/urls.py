from django.urls import path

from dangbo.portal import views

app_name = "portal"
urlpatterns = [
    # the member's own pages (the member comes from the login, never from the URL)
    path("", views.IndexView.as_view(), name="index"),
    path("password/", views.PasswordView.as_view(), name="password"),
    path("record/", views.RecordView.as_view(), name="record"),
    path("record/correct/", views.CorrectionView.as_view(), name="correct"),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/<int:pk>/", views.MeetingView.as_view(), name="meeting"),
    path("documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:pk>/done/", views.TaskDoneView.as_view(), name="task_done"),
    path("dues/", views.DuesView.as_view(), name="dues"),
    path("review/", views.ReviewView.as_view(), name="review"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/", views.NotificationOpenView.as_view(), name="notification"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications_read"),
    # officers: accounts and correction requests
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("accounts/new/<int:member_pk>/", views.AccountCreateView.as_view(), name="account_create"),
    path("accounts/bulk/", views.AccountBulkView.as_view(), name="accounts_bulk"),
    path("accounts/<int:pk>/reset/", views.AccountResetView.as_view(), name="account_reset"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/<int:pk>/", views.CorrectionDetailView.as_view(), name="correction"),
    path(
        "corrections/<int:pk>/decide/",
        views.CorrectionDecideView.as_view(),
        name="correction_decide",
    ),
]
