from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from dangbo.core import hooks
from dangbo.core.permissions import has_permission


class HomeView(LoginRequiredMixin, TemplateView):
    """Home dashboard: the menu plus the cards apps register in ``core.hooks``."""

    template_name = "core/home.html"

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
