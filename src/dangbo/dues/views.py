"""Dues screens: a cell's monthly ledger with payments, totals by level, arrears, receipts."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.core.collation import vi_name_order
from dangbo.core.errors import DomainError
from dangbo.core.exports import new_workbook, xlsx_response
from dangbo.core.params import get_id, get_month
from dangbo.core.permissions import can
from dangbo.core.views import ObjectDetailView, ServiceFormView
from dangbo.dues import rules, services
from dangbo.dues.forms import IncomeBasisForm, PaymentForm
from dangbo.dues.models import LedgerEntry
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DuesScopeMixin(LoginRequiredMixin):
    action = "view"

    def sent(self, name: str):
        """The query string when it holds `name`, else the posted form."""
        return self.request.GET if self.request.GET.get(name) else self.request.POST

    def scope(self):
        """The org (within the user's dues reach) and the month asked for."""
        user = self.request.user
        orgs = Organization.objects.restrict(user, "view").restrict(user, f"dues.{self.action}")
        org_id = get_id(self.request, "org", query=self.sent("org"))
        candidates = [
            o
            for o in (
                orgs.filter(pk=org_id) if org_id is not None else orgs.order_by("depth", "path")[:1]
            )
        ]
        org = candidates[0] if candidates else None
        if org is None:
            raise Http404
        this_month = rules.first_of_month(timezone.localdate())
        month = get_month(self.request, "month", this_month, self.sent("month"))
        return org, month


class IndexView(DuesScopeMixin, View):
    def get(self, request):
        org, month = self.scope()
        entries = []
        if org.org_type.holds_members:
            entries = list(
                LedgerEntry.objects.restrict(request.user)
                .filter(organization=org, month=month)
                .select_related("member")
                .order_by(*vi_name_order("member__full_name"), "id")
            )
        remittance = org.remittances.filter(month=month).first()
        return render(
            request,
            "dues/index.html",
            {
                "title": "Đảng phí",
                "org": org,
                "month": month,
                "entries": entries,
                "totals": services.totals_table(org, month),
                "payment_form": PaymentForm(user=request.user),
                "can_change": can(request.user, "dues.change", org),
                "collected": None if remittance else services.collected_for(org, month),
                "remittance": remittance,
                "late_after": services.late_after_remittance(org, month) if remittance else 0,
                "children": Organization.objects.filter(
                    path__startswith=org.path, depth=org.depth + 1, is_active=True
                ),
            },
        )


class CloseMonthView(DuesScopeMixin, View):
    action = "change"

    def post(self, request):
        org, month = self.scope()
        try:
            result = services.close_month(org, month)
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            messages.success(
                request,
                f"Đã lập sổ tháng {month:%m/%Y}: {result.created} dòng mới, "
                f"{result.already} dòng đã có.",
            )
            if result.paying_elsewhere:
                messages.info(
                    request,
                    f"{result.paying_elsewhere} đảng viên đang sinh hoạt tạm thời nơi khác: "
                    "đóng đảng phí tại chi bộ nơi sinh hoạt tạm thời.",
                )
            if result.missing_basis:
                names = ", ".join(m.full_name for m in result.missing_basis[:10])
                messages.warning(
                    request,
                    f"{len(result.missing_basis)} đảng viên chưa có căn cứ đóng đảng phí: {names}…",
                )
            for member, problem in result.errors[:10]:
                messages.warning(request, f"{member.full_name}: {problem}")
        return redirect(f"{reverse('dues:index')}?org={org.pk}&month={month:%m/%Y}")


class PaymentView(DuesScopeMixin, View):
    action = "change"

    def post(self, request):
        org, month = self.scope()
        form = PaymentForm(request.POST, user=request.user)
        allowed = LedgerEntry.objects.restrict(request.user, "change").filter(organization=org)
        try:
            if not form.is_valid():
                raise DomainError("Ngày đóng không hợp lệ (dd/mm/yyyy).", "paid_on")
            result = services.record_payments(
                request.POST.getlist("entries"),
                paid_on=form.cleaned_data["paid_on"],
                collector=request.user,
                allowed=allowed,
            )
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            messages.success(request, f"Đã ghi nhận {result.count} đảng viên đóng đảng phí.")
            if result.late_months:
                months = ", ".join(f"{m:%m/%Y}" for m in result.late_months)
                messages.info(
                    request,
                    f"Tháng {months} đã nộp lên cấp trên: khoản đóng muộn được giữ trong sổ và "
                    "sẽ nộp cùng đợt nộp tháng tiếp theo (ghi rõ là truy nộp).",
                )
        return redirect(f"{reverse('dues:index')}?org={org.pk}&month={month:%m/%Y}")


class RemitView(DuesScopeMixin, View):
    action = "change"

    def post(self, request):
        org, month = self.scope()
        try:
            remittance = services.remit(
                org, month, remitted_on=timezone.localdate(), user=request.user
            )
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            messages.success(request, services.remittance_message(remittance))
        return redirect(f"{reverse('dues:index')}?org={org.pk}&month={month:%m/%Y}")


class ArrearsView(DuesScopeMixin, View):
    def get(self, request):
        org, month = self.scope()
        ledger = LedgerEntry.objects.restrict(request.user).filter(
            organization__path__startswith=org.path
        )
        return render(
            request,
            "dues/arrears.html",
            {
                "title": "Đảng viên nợ đảng phí",
                "org": org,
                "month": month,
                "members": services.arrears(ledger, month),
                "threshold": rules.ARREARS_FLAG_MONTHS,
            },
        )


class ReceiptView(ObjectDetailView):
    model = LedgerEntry
    template_name = "dues/receipt.html"

    def get_base_queryset(self):
        return LedgerEntry.objects.select_related("member", "organization", "collector")


class IncomeBasisView(ServiceFormView):
    """A member's dues basis: the member within reach (view) and dues.change on their place."""

    model = Member
    permission_action = "dues.change"
    form_class = IncomeBasisForm
    title = "Căn cứ đóng đảng phí"
    success_message = "Đã lưu căn cứ đóng đảng phí."

    def get_base_queryset(self):
        return Member.objects.restrict(self.request.user, "members.view")

    def perform(self, form):
        services.set_income_basis(self.object, user=self.request.user, **form.cleaned_data)
        return reverse("members:detail", args=[self.object.pk])


class TotalsExportView(DuesScopeMixin, View):
    """Due/paid per unit for a month and the year to date, as XLSX (logged as an export)."""

    def get(self, request):
        org, month = self.scope()
        wb = new_workbook(write_only=True, org=org)
        ws = wb.create_sheet("Dang phi")
        ws.append([f"TỔNG HỢP THU ĐẢNG PHÍ THÁNG {month:%m/%Y}"])
        ws.append([org.name])
        ws.append(
            [
                "Đơn vị",
                "Phải đóng (tháng)",
                "Đã đóng (tháng)",
                "Phải đóng (năm)",
                "Đã đóng (năm)",
                "Còn nợ (năm)",
            ]
        )
        rows = services.totals_table(org, month)
        for row in rows:
            ws.append(
                [
                    row["name"],
                    row["month_due"],
                    row["month_paid"],
                    row["due"],
                    row["paid"],
                    row["outstanding"],
                ]
            )
        return xlsx_response(
            request,
            wb,
            filename=f"dang-phi-{month:%Y%m}.xlsx",
            what="Tổng hợp thu đảng phí",
            rows=len(rows),
            org=org.pk,
        )
