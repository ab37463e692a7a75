from django.urls import path

from dangbo.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.TransferListView.as_view(), name="index"),
    path("pick/", views.PickCellView.as_view(), name="pick"),
    path("in/", views.TransferInView.as_view(), name="transfer_in"),
    path("member/<int:member>/", views.IssueView.as_view(), name="issue"),
    path("<int:pk>/", views.TransferDetailView.as_view(), name="detail"),
    path("<int:pk>/letter/", views.LetterView.as_view(), name="letter"),
    path("<int:pk>/<str:act>/", views.ActView.as_view(), name="act"),
]
