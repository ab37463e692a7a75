"""The top bar's search: members and organisations (and whatever else apps register with
``core.hooks.register_search``), each source within the user's reach."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.views import View

from dangbo.core import hooks
from dangbo.core.permissions import has_permission

LIMIT = 20
MAX_LENGTH = 100


class SearchView(LoginRequiredMixin, View):
    def get(self, request):
        typed = "".join(ch if ch.isprintable() else " " for ch in request.GET.get("q", ""))
        text = " ".join(typed.split())[:MAX_LENGTH]
        sections = []
        if len(text) >= 2:
            for source in hooks.search_sources():
                if not has_permission(request.user, source.permission):
                    continue
                hits = source.search(request, text, LIMIT)
                sections.append({"source": source, "hits": hits, "more": len(hits) >= LIMIT})
        context = {
            "title": f"Tìm kiếm: {text}" if text else "Tìm kiếm",
            "q": text,
            "sections": sections,
            "too_short": 0 < len(text) < 2,
            "limit": LIMIT,
        }
        return render(request, "core/search.html", context)
