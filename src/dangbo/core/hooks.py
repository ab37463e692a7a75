"""Cross-app hook points.

Domain apps sit on one import-linter layer and may not import each other. When one app needs
another's answer (admissions asks training for a valid certificate, the home page shows
overdue admission files, a meeting resolution becomes a programme task), the answering app
registers a function here from its ``AppConfig.ready()`` and the asking app calls it by name.
A missing provider is not an error: the caller gets ``default`` (the app may be switched off).

Events that several apps may react to are Django signals, declared at the end of this module.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.dispatch import Signal

_providers: dict[str, Callable] = {}


def provide(name: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``func`` as the provider of ``name`` (one provider per name)."""

    def register(func: Callable) -> Callable:
        _providers[name] = func
        return func

    return register


def provided(name: str) -> bool:
    return name in _providers


def call(name: str, *args, default=None, **kwargs):
    """Call the provider of ``name``; ``default`` when no app provides it."""
    func = _providers.get(name)
    if func is None:
        return default
    return func(*args, **kwargs)


@dataclass(frozen=True)
class Widget:
    """One card on the home dashboard.

    ``render(request)`` returns the template context for ``template`` or ``None`` to hide the
    card (e.g. the user holds no permission it needs). It must restrict its own querysets.
    """

    key: str
    title: str
    template: str
    render: Callable
    order: int = 100
    permission: str | None = None
    extra: dict = field(default_factory=dict)


_widgets: dict[str, Widget] = {}


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


# Sent by meetings when a meeting's resolutions are recorded: kwargs ``meeting``,
# ``resolution`` (the meetings.Resolution row), ``user``. Programmes creates the tasks.
resolution_adopted = Signal()

# Sent by reviews when a committee confirms a review year's final grades: kwargs
# ``review_year``, ``user``. Recognition can propose commendations for streaks.
classification_confirmed = Signal()

# Sent by meetings when a task created by a meeting resolution is marked done: kwargs ``task``
# (the meetings.MeetingTask row), ``done_on``, ``user``. Programmes closes the task it created.
resolution_task_completed = Signal()
