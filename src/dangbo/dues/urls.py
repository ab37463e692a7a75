from django.urls import path

from dangbo.dues import views

app_name = "dues"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("close/", views.CloseMonthView.as_view(), name="close"),
    path("pay/", views.PaymentView.as_view(), name="pay"),
    path("remit/", views.RemitView.as_view(), name="remit"),
    path("totals.xlsx", views.TotalsExportView.as_view(), name="totals_xlsx"),
    path("arrears/", views.ArrearsView.as_view(), name="arrears"),
    path("entries/<int:pk>/receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("members/<int:pk>/basis/", views.IncomeBasisView.as_view(), name="basis"),
]
