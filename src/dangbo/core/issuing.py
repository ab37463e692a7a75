"""The screens that issue a document from a record (a decision, minutes, a letter): POST to
issue it in the issuing org's register of outgoing documents (or hand back the kept one),
answered as DOCX, or PDF when the form posts `export=pdf` (`core.pdf.issued_response`).

An app subclasses `IssueView`: `model`, `permission`, `issue(obj, user)` (the app's
papers module), and `issuer(obj)` when someone other than the record's org issues it (the
user must hold `permission` on the issuer too, else `refused` is shown on the record's page).
Buttons: `{% include "core/_issue_buttons.html" with url=… label=… %}`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from dangbo.core.pdf import issued_response
from dangbo.core.permissions import can


class IssueView(LoginRequiredMixin, View):
    model = None
    permission = ""
    select_related: tuple[str, ...] = ()
    refused = "Văn bản này do {issuer} ban hành."

    def issuer(self, obj):
        """The org issuing the document (None: no check beyond the record's)."""
        return None

    def issue(self, obj, user):
        raise NotImplementedError

    def back(self, obj) -> str:
        return obj.get_absolute_url()

    def get_queryset(self, user):
        return self.model.objects.restrict(user, self.permission)

    def post(self, request, pk):
        kept = self.get_queryset(request.user)
        obj = get_object_or_404(kept.select_related(*self.select_related), pk=pk)
        back = self.back(obj)
        issuer = self.issuer(obj)
        if issuer is not None and not can(request.user, self.permission, issuer):
            messages.error(request, self.refused.format(issuer=issuer.name))
            return redirect(back)
        return issued_response(
            request,
            lambda: self.issue(obj, request.user),
            back=back,
            what=self.model,
            record=obj.pk,
        )
