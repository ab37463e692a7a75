"""The production profile: `DJANGO_SETTINGS_MODULE=dangbo.settings_production`.

Everything of dangbo.settings (still driven by DANGBO_* variables), with the choices a public
deployment must make forced on: no debug, HTTPS behind a TLS-terminating proxy (secure cookies,
redirect, HSTS), a real secret key, JSON logs. `dangbo check --deploy` passes cleanly with it
(tests/ops/test_production.py). See docs/operations.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from dangbo.settings import *  # noqa: F403
from dangbo.settings import DANGBO_SECOND_FACTOR, LOGGING, SECRET_KEY, env_bool

if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "DANGBO_SECRET_KEY must be set to a long random value in production "
        '(python3 -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

if not DANGBO_SECOND_FACTOR:
    raise ImproperlyConfigured(
        "DANGBO_SECOND_FACTOR cannot be off in production: officers with wide or sensitive "
        "access must sign in with a second factor (docs/operations.md)."
    )

DEBUG = False
HTTPS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The proxy redirects http → https itself; keep Django's redirect as a second line unless the
# proxy talks to the app over a path where X-Forwarded-Proto is not set (health probes).
SECURE_SSL_REDIRECT = env_bool("DANGBO_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DANGBO_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DANGBO_HSTS_PRELOAD", True)
STORAGES = {
    "default": {"BACKEND": "dangbo.core.uploads.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("DANGBO_LOG_FORMAT", "json")
