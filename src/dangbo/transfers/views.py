"""Transfer screens: list for both sides, detail with its events, issue, act, transfer in."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.core.errors import DomainError
from dangbo.core.exports import xlsx_response
from dangbo.core.pdf import issued_response
from dangbo.core.permissions import can, has_permission
from dangbo.core.views import ObjectDetailView, ObjectListView, ServiceFormView
from dangbo.members.models import Member
from dangbo.organizations import documents
from dangbo.organizations.models import Organization
from dangbo.organizations.views import OrgPickerView
from dangbo.transfers import exports, forms, papers, rules, services
from dangbo.transfers.filters import TransferFilter, overdue
from dangbo.transfers.models import Transfer
from dangbo.transfers.rules import Kind, State
from dangbo.transfers.tables import TransferTable


def _can(user, org) -> bool:
    return org is not None and can(user, "transfers.change", org)


class TransferListView(ObjectListView):
    model = Transfer
    filterset_class = TransferFilter
    table_class = TransferTable
    template_name = "transfers/list.html"
    title = "Chuyển sinh hoạt đảng"

    def get_base_queryset(self):
        return Transfer.objects.select_related("member", "from_org", "to_org")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        restricted = self.get_queryset()
        context["overdue_count"] = overdue(restricted).count()
        context["deletion_count"] = overdue(restricted, "deletion").count()
        context["temporary_ended_count"] = overdue(restricted, "temporary_ended").count()
        context["can_add"] = has_permission(self.request.user, "transfers.change")
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "xlsx":
            transfers = list(self.object_list.select_related("member", "from_org", "to_org"))
            return xlsx_response(
                self.request,
                exports.transfers_workbook(transfers, timezone.localdate()),
                filename="chuyen-sinh-hoat-dang.xlsx",
                what=Transfer,
                rows=len(transfers),
                filters=self.request.GET.urlencode(),
            )
        return super().render_to_response(context, **kwargs)


class TransferDetailView(ObjectDetailView):
    model = Transfer
    template_name = "transfers/detail.html"

    def get_base_queryset(self):
        return Transfer.objects.select_related("member", "from_org", "to_org")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        t = self.object
        user = self.request.user
        sender, receiver = _can(user, t.from_org), _can(user, t.to_org)
        allowed = rules.TRANSITIONS.get(t.kind, {}).get(t.state, frozenset())
        actions = []
        if State.PRESENTED in allowed and receiver:
            actions.append(("present", "Ghi nhận đã xuất trình giấy giới thiệu"))
        if State.COMPLETED in allowed and receiver:
            actions.append(("receive", "Tiếp nhận đảng viên"))
        if State.ACTIVE in allowed and receiver:
            actions.append(("accept", "Tiếp nhận sinh hoạt tạm thời"))
        if State.CANCELLED in allowed and sender:
            actions.append(("cancel", "Hủy giấy giới thiệu"))
        if State.ENDED in allowed and (sender or receiver):
            actions.append(("end", "Kết thúc sinh hoạt tạm thời"))
        context.update(
            title=str(t),
            events=t.events.select_related("recorded_by"),
            actions=actions,
            can_letter=sender and t.kind in papers.MANNER,
            flags=rules.flags(
                t.state, timezone.localdate(), t.present_by, t.complete_by, t.rejoin_by, t.ends_on
            ),
        )
        return context


class IssueView(ServiceFormView):
    """The sending side introduces a member: official, temporary, or out of the system."""

    model = Member
    form_class = forms.IssueForm
    title = "Giới thiệu chuyển sinh hoạt đảng"
    success_message = "Đã ghi nhận giấy giới thiệu."

    def get_object(self):
        user = self.request.user
        member = (
            Member.objects.active()
            .restrict(user, "members.view")
            .restrict(user, "transfers.change")
            .filter(pk=self.kwargs["member"])
            .select_related("organization")
            .first()
        )
        if member is None:
            raise Http404
        return member

    def perform(self, form):
        data = form.cleaned_data
        member, kind, user = self.object, data["kind"], self.request.user
        common = dict(paper_number=data["paper_number"], reason=data["reason"], user=user)
        if kind == Kind.OUT:
            transfer = services.transfer_out(
                member, destination=data["external_org"], on=data["on"], **common
            )
        else:
            if data["to_org"] is None:
                raise DomainError("Cần chọn chi bộ nơi đến.", "to_org")
            if kind == Kind.TEMPORARY:
                transfer = services.start_temporary(
                    member,
                    host_org=data["to_org"],
                    starts_on=data["on"],
                    ends_on=data["ends_on"],
                    for_study=data["for_study"],
                    **common,
                )
            else:
                transfer = services.issue(member, to_org=data["to_org"], on=data["on"], **common)
        return transfer.get_absolute_url()


ACTS = {
    "present": (services.present, "Ghi nhận đã xuất trình giấy giới thiệu"),
    "receive": (services.receive, "Tiếp nhận đảng viên"),
    "cancel": (services.cancel, "Hủy giấy giới thiệu"),
    "accept": (services.accept_temporary, "Tiếp nhận sinh hoạt tạm thời"),
    "end": (services.end_temporary, "Kết thúc sinh hoạt tạm thời"),
}


class ActView(ServiceFormView):
    """One side acts on a transfer; the service checks which side may do what."""

    model = Transfer
    form_class = forms.ActForm
    success_message = "Đã ghi nhận."

    def get_base_queryset(self):
        return Transfer.objects.select_related("member", "from_org", "to_org")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["act"] not in ACTS:
            raise Http404
        self.title = ACTS[kwargs["act"]][1]
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        service = ACTS[self.kwargs["act"]][0]
        transfer = service(self.object, user=self.request.user, **form.cleaned_data)
        return transfer.get_absolute_url()


class TransferInView(ServiceFormView):
    model = Transfer
    form_class = forms.TransferInForm
    title = "Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống"
    success_message = "Đã tiếp nhận đảng viên."

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["id_number"] = data["id_number"] or None
        transfer = services.transfer_in(
            to_org=data.pop("to_org"),
            origin=data.pop("external_org"),
            on=data.pop("on"),
            paper_number=data.pop("paper_number"),
            user=self.request.user,
            **data,
        )
        return transfer.get_absolute_url()


class PickCellView(OrgPickerView):
    """Active cells anywhere (a transfer may leave the user's subtree; names of cells are
    not personal data)."""

    def get(self, request):
        if not has_permission(request.user, "transfers.change"):
            raise Http404
        return super().get(request)

    def candidates(self, request):
        return Organization.objects.filter(is_active=True, org_type__holds_members=True)


class LetterView(LoginRequiredMixin, View):
    """POST: the introduction letter of a transfer, numbered in the register of the member's
    grassroots organisation and kept there (asked again: the kept one)."""

    def post(self, request, pk):
        kept = Transfer.objects.restrict(request.user, "transfers.change")
        transfer = get_object_or_404(
            kept.select_related("member", "from_org__org_type", "to_org"), pk=pk
        )
        detail = reverse("transfers:detail", args=[transfer.pk])
        if transfer.from_org is None or not _can(
            request.user, documents.grassroots_of(transfer.from_org)
        ):
            messages.error(request, "Giấy giới thiệu do tổ chức cơ sở đảng nơi đi cấp.")
            return redirect(detail)
        return issued_response(
            request,
            lambda: papers.introduction_letter(transfer, request.user),
            back=detail,
            what=Transfer,
            transfer=transfer.pk,
        )
