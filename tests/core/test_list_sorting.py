"""Every list screen answers each of its columns' sort links (a column shown as sortable
without a field to sort on was a 500: /inspections/list/?sort=target)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangbo.core.views import ObjectListView


def list_screens(resolver=None, namespace=""):
    """(url name, view class) of every ObjectListView reached without URL arguments."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from list_screens(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", None)
            if view and issubclass(view, ObjectListView) and not pattern.pattern.converters:
                yield f"{namespace}{pattern.name}", view


SCREENS = sorted(list_screens())


def test_the_list_screens_are_found():
    assert {"members:list", "transfers:index", "inspections:list"} <= {n for n, _ in SCREENS}


@pytest.mark.parametrize("name,view", SCREENS, ids=[name for name, _ in SCREENS])
def test_every_sortable_column_sorts(admin_client, tree, name, view):
    table = view.table_class([])
    url = reverse(name)
    for column in table.columns:
        if not column.orderable:
            continue
        for order in (column.name, f"-{column.name}"):
            response = admin_client.get(url, {"sort": order})
            assert response.status_code == 200, f"{url}?sort={order}"
