"""Administration screens: accounts, roles on org nodes, role definitions, the audit log and
each user's API token. Reached with `core.admin` (`core.audit` for the log); a subtree
administrator sees only the accounts and grants of their subtrees; anything else is 404."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from rest_framework.authtoken.models import Token

from dangbo.core import accounts, forms, parameters, twofactor
from dangbo.core.audit import AUDIT_PERMISSION, timeline, visible_entries
from dangbo.core.errors import DomainError
from dangbo.core.filters import AuditFilter
from dangbo.core.models import Role, RoleAssignment, RuleParameter
from dangbo.core.permissions import has_permission, restrict, top_orgs


class AdminRequiredMixin(LoginRequiredMixin):
    """Signed in and holding `required_permission` somewhere; otherwise the screen is hidden."""

    required_permission = accounts.ADMIN_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_permission(request.user, self.required_permission):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_account(self):
        return get_object_or_404(accounts.manageable_users(self.request.user), pk=self.kwargs["pk"])


class AdminFormView(AdminRequiredMixin, FormView):
    """A form whose valid data goes to one service call; DomainError becomes a form error."""

    template_name = "core/form.html"
    title = ""
    success_message = "Đã lưu."
    object = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, object=self.object, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            target = self.perform(form)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.full_message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(target)

    def perform(self, form):
        raise NotImplementedError


class IndexView(AdminRequiredMixin, View):
    def get(self, request):
        return redirect("core:users")


class UserListView(AdminRequiredMixin, ListView):
    template_name = "core/admin/users.html"
    paginate_by = 50

    def get_queryset(self):
        users = accounts.manageable_users(self.request.user).select_related("profile__organization")
        query = self.request.GET.get("q", "").strip()
        if query:
            users = users.filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(email__icontains=query)
            )
        active = self.request.GET.get("active")
        if active in ("0", "1"):
            users = users.filter(is_active=active == "1")
        return users.order_by("username")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title="Người dùng",
            q=self.request.GET.get("q", ""),
            can_manage_roles=accounts.can_manage_roles(self.request.user),
            **kwargs,
        )


class UserCreateView(AdminFormView):
    form_class = forms.AccountForm
    title = "Tạo tài khoản người dùng"
    success_message = "Đã tạo tài khoản."

    def perform(self, form):
        data = form.cleaned_data
        account = accounts.create_user(
            admin=self.request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            organization=data["organization"],
            password=data["password1"],
        )
        return reverse("core:user", args=[account.pk])


class UserDetailView(AdminRequiredMixin, DetailView):
    template_name = "core/admin/user.html"
    context_object_name = "account"

    def get_object(self, queryset=None):
        return self.get_account()

    def get_context_data(self, **kwargs):
        account = self.object
        in_reach = restrict(
            RoleAssignment.objects.all(),
            self.request.user,
            accounts.ADMIN_PERMISSION,
            "organization__path",
        ).values_list("pk", flat=True)
        assignments = list(
            RoleAssignment.objects.filter(user=account)
            .select_related("role", "organization")
            .order_by("-is_active", "organization__path")
        )
        reach = set(in_reach.filter(user=account))
        for assignment in assignments:
            assignment.can_revoke = assignment.is_active and assignment.pk in reach
        return super().get_context_data(
            title=account.get_full_name() or account.username,
            assignments=assignments,
            history=timeline(account, [RoleAssignment.objects.filter(user=account)])[:50],
            profile=getattr(account, "profile", None),
            second_factor_device=twofactor.app_device(account),
            second_factor_required=twofactor.required(account),
            **kwargs,
        )


class UserEditView(AdminFormView):
    form_class = forms.AccountForm
    title = "Sửa thông tin người dùng"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_account()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.object}

    def get_initial(self):
        profile = getattr(self.object, "profile", None)
        return {
            "full_name": self.object.first_name,
            "email": self.object.email,
            "organization": profile.organization_id if profile else None,
        }

    def perform(self, form):
        data = form.cleaned_data
        accounts.update_user(
            self.object,
            admin=self.request.user,
            full_name=data["full_name"],
            email=data["email"],
            organization=data["organization"],
        )
        return reverse("core:user", args=[self.object.pk])


class UserPasswordView(UserEditView):
    form_class = forms.PasswordForm
    title = "Đặt lại mật khẩu"
    success_message = "Đã đặt mật khẩu mới."

    def get_form_kwargs(self):
        return AdminFormView.get_form_kwargs(self)

    def get_initial(self):
        return {}

    def perform(self, form):
        accounts.set_password(
            self.object, admin=self.request.user, password=form.cleaned_data["password1"]
        )
        return reverse("core:user", args=[self.object.pk])


class UserActiveView(UserPasswordView):
    """POST: deactivate (active=0) or reactivate (active=1) an account. Never a deletion."""

    form_class = forms.ConfirmForm
    http_method_names = ["post"]
    success_message = "Đã cập nhật trạng thái tài khoản."

    def perform(self, form):
        accounts.set_active(
            self.object, admin=self.request.user, active=self.request.POST.get("active") == "1"
        )
        return reverse("core:user", args=[self.object.pk])

    def form_invalid(self, form):
        messages.error(self.request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("core:user", self.object.pk)


class ResetSecondFactorView(UserPasswordView):
    """The administrator removes a user's second factor (lost phone), with a logged reason."""

    form_class = forms.ResetSecondFactorForm
    title = "Đặt lại xác thực hai lớp"
    success_message = "Đã đặt lại xác thực hai lớp; người dùng sẽ đăng ký lại ở lần đăng nhập sau."

    def perform(self, form):
        twofactor.reset(self.object, request=self.request, reason=form.cleaned_data["reason"])
        return reverse("core:user", args=[self.object.pk])


class AssignRoleView(UserEditView):
    form_class = forms.AssignmentForm
    title = "Giao vai trò trên tổ chức"
    success_message = "Đã giao vai trò."

    def get_form_kwargs(self):
        return AdminFormView.get_form_kwargs(self)

    def get_initial(self):
        return {}

    def perform(self, form):
        accounts.assign_role(
            self.object,
            admin=self.request.user,
            role=form.cleaned_data["role"],
            organization=form.cleaned_data["organization"],
        )
        return reverse("core:user", args=[self.object.pk])


class RevokeAssignmentView(AdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        assignment = get_object_or_404(
            restrict(
                RoleAssignment.objects.select_related("organization"),
                request.user,
                accounts.ADMIN_PERMISSION,
                "organization__path",
            ),
            pk=pk,
        )
        accounts.revoke_assignment(assignment, admin=request.user)
        messages.success(request, "Đã thu hồi vai trò.")
        return redirect("core:user", assignment.user_id)


class RoleListView(AdminRequiredMixin, ListView):
    template_name = "core/admin/roles.html"

    def get_queryset(self):
        return Role.objects.order_by("name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title="Vai trò", can_manage_roles=accounts.can_manage_roles(self.request.user), **kwargs
        )


class RoleFormView(AdminFormView):
    form_class = forms.RoleForm
    title = "Vai trò"
    success_message = "Đã lưu vai trò."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not accounts.can_manage_roles(request.user):
            raise Http404
        if "pk" in kwargs:
            self.object = get_object_or_404(Role, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.object is None:
            return {}
        return {
            "code": self.object.code,
            "name": self.object.name,
            "description": self.object.description,
            "permissions": "\n".join(self.object.permissions),
            "requires_second_factor": self.object.requires_second_factor,
        }

    def perform(self, form):
        data = form.cleaned_data
        accounts.save_role(
            self.object,
            admin=self.request.user,
            code=data["code"],
            name=data["name"],
            description=data["description"],
            codes=data["permissions"],
            requires_second_factor=data["requires_second_factor"],
        )
        return reverse("core:roles")


class ParameterListView(AdminRequiredMixin, ListView):
    """Every rule parameter with its dated values, newest first, and the subtree each holds for."""

    template_name = "core/admin/parameters.html"

    def get_queryset(self):
        return RuleParameter.objects.order_by("key", "-valid_from", "org_path")

    def get_context_data(self, **kwargs):
        # Values set for the user's subtrees, and those above them that apply there too.
        tops = [org.path for org in top_orgs(self.request.user, accounts.ADMIN_PERMISSION)]
        paths = {row.org_path for row in self.object_list if row.org_path}
        names = dict(
            apps.get_model("organizations", "Organization")
            .objects.restrict(self.request.user, accounts.ADMIN_PERMISSION)
            .filter(path__in=paths)
            .values_list("path", "name")
        )
        above = dict(
            apps.get_model("organizations", "Organization")
            .objects.filter(path__in=[p for p in paths if any(t.startswith(p) for t in tops)])
            .values_list("path", "name")
        )
        names.update(above)
        rows = [row for row in self.object_list if not row.org_path or row.org_path in names]
        for row in rows:
            row.scope_name = names.get(row.org_path, "")
        return super().get_context_data(title="Tham số quy định", rows=rows, **kwargs)


class ParameterCreateView(AdminFormView):
    form_class = forms.ParameterForm
    title = "Thêm giá trị tham số quy định"
    success_message = "Đã thêm giá trị mới; các bản ghi cũ vẫn theo giá trị cũ."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "keys": parameters.known_keys()}

    def get_initial(self):
        return {"key": self.request.GET.get("key", "")}

    def perform(self, form):
        data = form.cleaned_data
        parameters.add_parameter(
            admin=self.request.user,
            key=data["key"],
            value_text=data["value"],
            valid_from=data["valid_from"],
            organization=data["organization"],
            source=data["source"],
        )
        return reverse("core:parameters")


class AuditView(AdminRequiredMixin, ListView):
    """The searchable audit log: changes, views of records and exports."""

    required_permission = AUDIT_PERMISSION
    template_name = "core/admin/audit.html"
    paginate_by = 50

    def get_queryset(self):
        entries = visible_entries(self.request.user).select_related("actor", "content_type")
        self.filter = AuditFilter(self.request.GET or None, queryset=entries)
        return self.filter.qs.order_by("-timestamp", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Nhật ký hệ thống", filter=self.filter, **kwargs)


class TokenView(LoginRequiredMixin, TemplateView):
    """Each user's own API token: create (or replace) and revoke. The key is shown once."""

    template_name = "core/token.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("new_key", None)
        token = Token.objects.filter(user=self.request.user).first()
        return super().get_context_data(title="Khóa truy cập API", token=token, **kwargs)

    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            token = Token.objects.create(user=request.user)
            messages.success(request, "Đã tạo khóa mới; hãy sao chép ngay, khóa chỉ hiện một lần.")
            return self.render_to_response(self.get_context_data(new_key=token.key))
        messages.success(request, "Đã thu hồi khóa API.")
        return redirect("core:token")
