"""Generic views every domain app builds on. Restriction happens here, never in app views."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from dangbo.core import permissions
from dangbo.core.audit import log_listing
from dangbo.core.errors import DomainError
from dangbo.core.params import get_page, get_per_page


class RestrictedViewMixin(LoginRequiredMixin):
    """Resolve the queryset through `restrict(user, action)`; outside the user's reach → 404."""

    model = None
    queryset = None
    permission_action = "view"

    def get_base_queryset(self):
        return self.queryset if self.queryset is not None else self.model._default_manager.all()

    def get_queryset(self):
        return self.get_base_queryset().restrict(self.request.user, self.permission_code())

    def permission_code(self, action: str | None = None) -> str:
        """'app.action' of this view's model for `action` (default: the view's action)."""
        model = self.model or self.get_base_queryset().model
        return permissions.permission_code(model, action or self.permission_action)

    def require(self, action: str) -> None:
        """404 unless the user holds `action` on this model somewhere (hidden, not forbidden)."""
        if not self.can(action):
            raise Http404

    def can(self, action: str, obj=None) -> bool:
        """Does the user hold `action` ('change' or 'app.action') on `obj`, or anywhere?"""
        return permissions.can(self.request.user, self.permission_code(action), obj)


LAYOUT_PARAMS = {"sort", "page", "per_page"}  # query parameters that filter nothing


class ObjectListView(RestrictedViewMixin, SingleTableMixin, FilterView):
    """A filtered, paginated table of restricted objects. Lists of personal records set
    `logs_access`: each page shown is one access-log entry with its filter."""

    paginate_by = 50
    template_name = "core/object_list.html"
    title = ""
    logs_access = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require(self.permission_action)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or self.model._meta.verbose_name_plural.capitalize()
        context["can_add"] = self.can("change")
        # On a phone the filters fold behind a button; open when some filter is in use.
        context["filters_open"] = any(
            value for key, value in self.request.GET.items() if key not in LAYOUT_PARAMS
        )
        if self.logs_access:
            page = getattr(context.get("table"), "page", None)
            log_listing(
                self.request,
                self.model,
                len(page.object_list) if page is not None else 0,
                filters=self.request.GET.urlencode(),
                page=page.number if page is not None else 1,
            )
        return context

    def get_table(self, **kwargs):
        """django-tables2's RequestConfig, with page and per_page read through core.params
        (it takes any integer: per_page=-1 was a 500)."""
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        options = self.get_table_pagination(table)
        if options is False:
            return table
        options = dict(options or {})
        options.pop("silent", None)
        default = options.pop("per_page", self.paginate_by)
        options["per_page"] = get_per_page(self.request, default, table.prefixed_per_page_field)
        try:
            table.paginate(page=get_page(self.request, table.prefixed_page_field), **options)
        except EmptyPage:  # past the last page: the last one
            table.page = table.paginator.page(table.paginator.num_pages)
        return table

    def get_paginate_by(self, queryset):
        # django-tables2 paginates the table; the list view itself must not page (and count)
        # the queryset a second time.
        return None if isinstance(queryset, QuerySet) else super().get_paginate_by(queryset)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        style_widgets(filterset.form)
        return filterset


def style_widgets(form) -> None:
    """Bootstrap classes on a form's widgets, so the template renders fields directly (the
    crispy-forms filter cost more CPU than the database on the main lists)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.RadioSelect):  # and CheckboxSelectMultiple
            # Boxes, not text fields: the class goes on each box, not on the group.
            widget.template_name = "core/widgets/checks.html"
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ObjectDetailView(RestrictedViewMixin, DetailView):
    pass


class ServiceFormView(RestrictedViewMixin, FormView):
    """A form whose valid data goes to one service call; DomainError becomes a form error.

    Subclasses set `permission_action` and implement `perform(form)` returning the redirect
    target (an object with get_absolute_url, or a URL).
    """

    permission_action = "change"
    template_name = "core/form.html"
    title = ""
    success_message = "Đã lưu."
    object = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if self.object is None:
            self.require(self.permission_action)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        """The object acted on (restricted), or None for creation views."""
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        try:
            return self.get_queryset().get(pk=pk)
        except self.get_base_queryset().model.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, object=self.object)
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["permission"] = self.form_permission()
        return kwargs

    def form_permission(self) -> str:
        """The permission the form's choice fields are restricted for (`restrict_form_fields`):
        this view's action on its model's app, unless the form class names its own."""
        form_class = self.get_form_class()
        return getattr(form_class, "permission", None) or self.permission_code()

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except DomainError as error:
            shown = error.field in form.fields and not form.fields[error.field].widget.is_hidden
            field = error.field if shown else None
            form.add_error(field, error.full_message)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(self.request, self.success_message)
        return redirect(result)

    def perform(self, form):
        raise NotImplementedError
