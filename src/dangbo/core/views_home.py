from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from dangbo.core import hooks
from dangbo.core.permissions import has_permission


class HomeView(LoginRequiredMixin, TemplateView):
    """«Việc cần làm»: the user's work across modules (the work sources apps register in
    ``core.hooks``), then the cards apps register there."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        # A fresh install: the superuser's first sign-in lands on the first-run page.
        if request.user.is_superuser and not _has_organizations():
            return redirect("organizations:first_run")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["work"] = work_of(self.request.user)
        context["work_count"] = sum(len(section["items"]) for section in context["work"])
        context["widgets"] = list(self._rendered_widgets())
        return context

    def _rendered_widgets(self):
        user = self.request.user
        for widget in hooks.widgets():
            if widget.permission and not has_permission(user, widget.permission):
                continue
            widget_context = widget.render(self.request)
            if widget_context is not None:
                yield {"widget": widget, "context": widget_context}


def work_of(user, today=None) -> list[dict]:
    """The sections of «Việc cần làm» with something to do, in the sources' order."""
    today = today or timezone.localdate()
    sections = []
    for source in hooks.work_sources():
        codes = (source.permission,) if isinstance(source.permission, str) else source.permission
        if not any(has_permission(user, code) for code in codes):
            continue
        items = source.items(user, today)
        if items:
            sections.append({"source": source, "items": items})
    return sections


def _has_organizations() -> bool:
    return apps.get_model("organizations", "Organization").objects.exists()
