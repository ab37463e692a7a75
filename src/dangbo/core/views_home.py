from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

from dangbo.core import hooks
from dangbo.core.permissions import has_permission


class HomeView(LoginRequiredMixin, TemplateView):
    """Home dashboard: the menu plus the cards apps register in ``core.hooks``."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        # A fresh install: the superuser's first sign-in lands on the first-run page.
        if request.user.is_superuser and not _has_organizations():
            return redirect("organizations:first_run")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
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


def _has_organizations() -> bool:
    return apps.get_model("organizations", "Organization").objects.exists()
