"""Member screens: list, record (logged as an access), create, correct, status changes,
and the restructurings of cells that move members (merge, split)."""

from auditlog.signals import accessed
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from dangbo.core import hooks
from dangbo.core.audit import access_entries, log_listing, timeline
from dangbo.core.errors import DomainError
from dangbo.core.exports import IdentityMask, docx_response
from dangbo.core.pdf import pdf_response
from dangbo.core.permissions import can, reachable_paths
from dangbo.core.views import (
    ObjectDetailView,
    ObjectListView,
    RestrictedViewMixin,
    ServiceFormView,
)
from dangbo.members import duplicates, forms, namesearch, papers, rules, services, summary
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.filters import MemberFilter
from dangbo.members.models import Member
from dangbo.members.tables import MemberTable
from dangbo.organizations.forms import MergeOrgForm, SplitOrgForm
from dangbo.organizations.models import Organization, OutgoingDocument
from dangbo.organizations.views import OrgActionView


class KnownCountPaginator(Paginator):
    """A paginator told its total, so a page of a 5-million-row list needs no COUNT(*)."""

    def __init__(self, object_list, per_page, known_count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if known_count is not None:
            self.count = known_count  # overrides the cached_property


# A name search counts at most this many matches (pages up to it stay reachable).
NAME_COUNT_CAP = 1000


class MemberListView(ObjectListView):
    """The register, ID numbers masked for everyone; each page shown is logged."""

    model = Member
    logs_access = True
    count_capped = False
    filterset_class = MemberFilter
    table_class = MemberTable
    template_name = "members/list.html"
    title = "Đảng viên"

    def get_base_queryset(self):
        return Member.objects.select_related("organization").page_by_ids()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # builds the table: known_count ran
        context["count_capped"] = self.count_capped
        return context

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination is not False:
            pagination.update(paginator_class=KnownCountPaginator, known_count=self.known_count())
        return pagination

    def known_count(self) -> int | None:
        """The list's total from the member summary when the filters allow it (exact); for a
        name search at most NAME_COUNT_CAP, the page then says "more than"."""
        form = self.filterset.form
        if not self.filterset.is_valid():
            return None
        data = form.cleaned_data
        if namesearch.search_key(data.get("q")):
            total = self.object_list.name_count(NAME_COUNT_CAP)
            self.count_capped = total > NAME_COUNT_CAP
            return min(total, NAME_COUNT_CAP)
        org_path = None
        if data.get("org"):
            org_path = Organization.objects.filter(pk=data["org"]).values_list("path", flat=True)
            org_path = org_path.first()
            if org_path is None:
                return 0
        reach = reachable_paths(self.request.user, "members.view")
        return summary.list_count(reach, org_path, data)


def _member_facts(user, member) -> list[dict]:
    """The parts of the member's record other apps give (core.hooks.register_member_facts),
    each under its own permission on the member's org."""
    today = timezone.localdate()
    parts = []
    for source in hooks.member_facts():
        if not can(user, source.permission, member.organization):
            continue
        rows = source.facts(member, today)
        if rows:
            parts.append({"source": source, "rows": rows})
    return parts


class MemberDetailView(ObjectDetailView):
    """A member's record. Every view is written to the access log."""

    model = Member
    template_name = "members/detail.html"

    def get_base_queryset(self):
        return Member.objects.select_related("organization", "organization__org_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.object
        accessed.send(sender=Member, instance=member)
        gap_list = list(member.gaps.all())
        gaps = [(g.valid_from, g.valid_to) for g in gap_list]
        today = timezone.localdate()
        context.update(
            title=member.full_name,
            gap_list=gap_list,
            party_age=rules.party_age(member.admitted_on, gaps, today),
            age=rules.age_in_years(member.birth_date, today),
            events=member.events.select_related("recorded_by")[:100],
            placements=member.placements.select_related("organization"),
            status_periods=member.status_periods.all(),
            can_change=self.can("change", member),
            show_id=IdentityMask(self.request.user).shows(member.org_path),
            access_log=access_entries(member)[:20],
            # grades by year, badges and commendations, training (other apps' parts)
            facts=_member_facts(self.request.user, member),
            # party and agency posts (the committees app, when installed)
            positions_html=hooks.call("committees.member_positions", member, self.request),
            # papers issued about the member, kept in the issuers' registers
            issued_documents=OutgoingDocument.objects.restrict(self.request.user, "members.view")
            .filter(subject_member=member)
            .select_related("organization")
            .defer("content"),
            audit_entries=timeline(
                member,
                [
                    member.placements.all(),
                    member.status_periods.all(),
                    member.gaps.all(),
                    member.events.all(),
                    member.disciplines.all(),
                ],
            )[:50],
        )
        return context


class MemberCreateView(ServiceFormView):
    model = Member
    form_class = forms.MemberForm
    title = "Thêm đảng viên vào sổ"
    success_message = "Đã thêm đảng viên."

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.IDENTITY_FIELDS}
        org = form.cleaned_data["organization"]
        member = services.register_member(
            organization=org,
            user=self.request.user,
            reason=form.cleaned_data.get("reason", ""),
            **data,
        )
        return reverse("members:detail", args=[member.pk])


class MemberEditView(ServiceFormView):
    model = Member
    form_class = forms.MemberForm
    title = "Đính chính thông tin đảng viên"
    success_message = "Đã lưu đính chính; giá trị cũ được giữ trong lịch sử."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.IDENTITY_FIELDS}
        member = services.correct_identity(
            self.object,
            reason=form.cleaned_data["reason"],
            user=self.request.user,
            expected_version=form.cleaned_data.get("version") or "",
            **data,
        )
        return reverse("members:detail", args=[member.pk])


class MemberStatusView(ServiceFormView):
    model = Member
    form_class = forms.StatusChangeForm
    title = "Thay đổi trạng thái đảng viên"

    def perform(self, form):
        member = services.change_status(self.object, user=self.request.user, **form.cleaned_data)
        return reverse("members:detail", args=[member.pk])


class MemberLeaveView(ServiceFormView):
    """Leaving the party: deletion, expulsion, resignation or death, with reason and decision."""

    model = Member
    form_class = forms.LeaveForm
    title = "Ra khỏi Đảng (xóa tên, khai trừ, xin ra, từ trần)"
    success_message = "Đã ghi nhận."

    def perform(self, form):
        member = services.leave(self.object, user=self.request.user, **form.cleaned_data)
        return reverse("members:detail", args=[member.pk])


class MemberReadmitView(ServiceFormView):
    """Re-admission: once, at least 36 months after leaving (configurable)."""

    model = Member
    form_class = forms.ReadmitForm
    title = "Kết nạp lại vào Đảng"
    success_message = "Đã kết nạp lại; thời gian gián đoạn được trừ khỏi tuổi đảng."

    def perform(self, form):
        member = services.readmit(self.object, user=self.request.user, **form.cleaned_data)
        return reverse("members:detail", args=[member.pk])


class MergeOrgView(OrgActionView):
    form_class = MergeOrgForm
    title = "Hợp nhất các chi bộ vào chi bộ này"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "target": self.object}

    def perform(self, form):
        org = services.merge_orgs(
            list(form.cleaned_data["sources"]),
            self.object,
            decision=form.decision(),
            user=self.request.user,
        )
        return reverse("organizations:detail", args=[org.pk])


class SplitOrgView(OrgActionView):
    """Splitting a cell places its members: the screen lists them, so it needs members.change
    on the cell besides organizations.change (names are shown under the members app only)."""

    form_class = SplitOrgForm
    title = "Chia tách chi bộ"

    def get_object(self):
        org = super().get_object()
        if not self.can("members.change", org):
            raise Http404
        return org

    def get_form_kwargs(self):
        people = Member.objects.filter(
            organization=self.object, status__in=ACTIVE_STATUSES
        ).order_by("name_search")
        return {**super().get_form_kwargs(), "people": people}

    def perform(self, form):
        services.split_org(
            self.object,
            form.parts(),
            org_type=self.object.org_type,
            decision=form.decision(),
            user=self.request.user,
            dissolve_source=form.cleaned_data["dissolve_source"],
        )
        return reverse(
            "organizations:detail", args=[Organization.objects.get_parent(self.object).pk]
        )


class DuplicatesView(RestrictedViewMixin, TemplateView):
    """Worklist of likely duplicate persons (same accent-folded name and birth date) within
    the user's reach; each view is logged like a list of members."""

    model = Member
    template_name = "members/duplicates.html"

    def get_context_data(self, **kwargs):
        self.require("view")
        groups = duplicates.duplicate_groups(self.request.user)
        log_listing(self.request, Member, sum(len(g) for g in groups), list="duplicates")
        shown = IdentityMask(self.request.user)
        return super().get_context_data(
            title="Đảng viên có thể trùng hồ sơ",
            groups=[[(m, shown(m.id_number, m.org_path)) for m in group] for group in groups],
            limit=duplicates.MAX_GROUPS,
            can_merge=self.can("change"),
            **kwargs,
        )


class MergeDuplicateView(RestrictedViewMixin, View):
    """POST: merge record `pk` into `survivor` (members.duplicates.merge); both histories kept."""

    model = Member
    permission_action = "change"

    def post(self, request, pk, survivor):
        records = self.get_queryset()
        duplicate = get_object_or_404(records, pk=pk)
        kept = get_object_or_404(records, pk=survivor)
        try:
            duplicates.merge(
                duplicate, kept, reason=request.POST.get("reason", ""), user=request.user
            )
        except DomainError as error:
            messages.error(request, error.full_message)
            return redirect("members:duplicates")
        messages.success(request, f"Đã gộp hồ sơ #{duplicate.pk} vào hồ sơ #{kept.pk}.")
        return redirect("members:detail", pk=kept.pk)


class RecordFormView(ObjectDetailView):
    """The member record form (Phiếu đảng viên) as DOCX, or PDF with `?export=pdf`."""

    model = Member

    def get_base_queryset(self):
        return Member.objects.select_related("organization__org_type")

    def get(self, request, *args, **kwargs):
        member = self.get_object()
        doc = papers.record_form(member, IdentityMask(request.user))
        name = f"phieu-dang-vien-{member.pk}.docx"
        if request.GET.get("export") == "pdf":
            back = reverse("members:detail", args=[member.pk])
            return pdf_response(
                request, doc.to_bytes(), "docx", filename=name, back=back, what=Member, rows=1
            )
        return docx_response(request, doc, filename=name, what=Member, rows=1, member=member.pk)
