import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
application = get_wsgi_application()

if os.environ.get("DANGBO_WARM_UP", "1") != "0":
    from dangbo.core.warmup import warm

    warm()
