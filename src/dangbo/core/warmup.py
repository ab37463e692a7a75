"""Work a worker would otherwise do on its first requests, done when it starts.

Importing every view (the URL configuration: ~0.65 s) and the libraries behind Word charts
(matplotlib: ~0.8 s) made the first request each gunicorn worker served a second slower than
the rest. `dangbo.wsgi` calls `warm()` once the application is built; with gunicorn's
`preload_app` that happens in the master, and the forked workers share the result.
"""

import importlib

from django.db import connections
from django.urls import get_resolver

HEAVY_MODULES = ("docx", "openpyxl")


def warm() -> None:
    len(get_resolver().url_patterns)  # imports every app's views and their dependencies
    for name in HEAVY_MODULES:
        importlib.import_module(name)
    from dangbo.core.exports.documents import pyplot

    pyplot()
    connections.close_all()  # nothing opened here may be shared by forked workers
