"""dangbo settings: one file, driven by environment variables (DANGBO_*)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DANGBO_DATA_DIR", BASE_DIR.parent.parent / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DANGBO_DEBUG")
SECRET_KEY = os.environ.get("DANGBO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env_list("DANGBO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DANGBO_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "treebeard",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "dangbo.core",
    "dangbo.organizations",
    "dangbo.members",
    "dangbo.admissions",
    "dangbo.transfers",
    "dangbo.committees",
    "dangbo.meetings",
    "dangbo.reviews",
    "dangbo.inspections",
    "dangbo.programmes",
    "dangbo.training",
    "dangbo.recognition",
    "dangbo.dues",
    "dangbo.surveys",
    "dangbo.reports",
    "dangbo.imports",
    "dangbo.portal",
    "dangbo.demo",
]

MIDDLEWARE = [
    "dangbo.core.ops.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangbo.core.twofactor.SecondFactorMiddleware",
    "dangbo.core.audit.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangbo.portal.middleware.PortalMiddleware",
    "dangbo.core.ops.StorageFullMiddleware",
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ROOT_URLCONF = "dangbo.urls"
WSGI_APPLICATION = "dangbo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangbo.core.context_processors.navigation",
            ],
        },
    },
]

# Database: DANGBO_DATABASE_URL (sqlite:///path or postgres://user@host:port/name).
DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'dangbo.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DANGBO_DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DANGBO_TEST_SQLITE_NAME")}
else:
    # PostgreSQL's JIT compiles a plan above jit_above_cost (60–80 ms for the name search and
    # the report queries of the nation), more than those short queries then save.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A streaming replica for reports (docs/operations.md): reads inside dangbo.core.db.reporting()
# go there while its replay lag is at most DANGBO_REPLICA_MAX_LAG_SECONDS.
if os.environ.get("DANGBO_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DANGBO_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {})
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 2)
    DATABASES["replica"]["OPTIONS"].setdefault("options", "-c jit=off")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dangbo.core.db.ReplicaRouter"]
DANGBO_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DANGBO_REPLICA_MAX_LAG_SECONDS", 30))
DANGBO_REPLICA_CHECK_SECONDS = float(os.environ.get("DANGBO_REPLICA_CHECK_SECONDS", 5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's default hashers, plus a light one for generated one-time passwords of member
# accounts (dangbo.portal.hashers; replaced at the forced first-login change).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "dangbo.portal.hashers.OneTimePasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "dangbo.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end DANGBO_SESSION_SECONDS after login (a working day) and at browser close; not
# sliding, so a page view costs no session write.
SESSION_COOKIE_AGE = int(os.environ.get("DANGBO_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token (forms, hx-headers); scripts never read it
CSRF_COOKIE_SAMESITE = "Lax"
# Behind TLS (DANGBO_HTTPS=1): secure cookies, redirect to https, HSTS; a proxy terminating TLS
# sets X-Forwarded-Proto.
HTTPS = env_bool("DANGBO_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DANGBO_HSTS_SECONDS", 365 * 24 * 3600)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DANGBO_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DANGBO_BEHIND_PROXY") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp 4). Scripts and styles come only from
# this site's static files: no inline script, no on…= handler, no eval (templates bind
# behaviour in static/js/dangbo.js). Bootstrap draws its icons as data: images; inline style
# attributes are allowed (they run nothing). Uploaded files get a stricter policy of their own
# (dangbo.core.uploads.serve_upload). The API docs load their script from a URL too
# (drf-spectacular's split Swagger view).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The client's address (login lockout, audit log): X-Forwarded-For is believed only from these
# proxies (addresses or CIDR networks, e.g. "127.0.0.1" for nginx on the same host); empty =
# the TCP peer's address. See dangbo.core.clientaddr and docs/operations.md.
DANGBO_TRUSTED_PROXIES = env_list("DANGBO_TRUSTED_PROXIES", "")

# Failed logins lock the pair (user name, client address) for a cool-off, never a user name
# from every address (anyone could lock an officer out) nor an address for every user (behind
# a proxy or a shared office NAT that is everyone). A failure during the cool-off restarts it;
# a successful login clears the pair's failures.
# Second factor at sign-in (dangbo.core.twofactor): required per role (core.Role and
# dangbo.core.rules). On by default; the production profile refuses it off; `make run` (the
# demo) turns it off so the demo accounts sign in with the printed password.
DANGBO_SECOND_FACTOR = env_bool("DANGBO_SECOND_FACTOR", True)
OTP_TOTP_ISSUER = os.environ.get("DANGBO_OTP_ISSUER", "dangbo")

AXES_FAILURE_LIMIT = int(os.environ.get("DANGBO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DANGBO_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("DANGBO_AXES_ENABLED", True)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "dangbo.core.views_auth.lockout_response"
AXES_COOLOFF_MESSAGE = "Đăng nhập sai quá nhiều lần; hãy thử lại sau ít phút."
AXES_CLIENT_IP_CALLABLE = "dangbo.core.clientaddr.client_address"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["dangbo.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files: a private folder, outside STATIC_ROOT and never published by a web server;
# files have random names and are sent only by download views that check access and log
# (dangbo.core.uploads). There is no MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("DANGBO_MEDIA_DIR", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "dangbo.core.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# What an upload may be (dangbo.core.uploads): documents (PDF, DOCX, XLSX, ODT, PNG, JPEG, by
# content) up to DANGBO_UPLOAD_MAX_MB; an archive-based one (DOCX, XLSX, ODT) may unpack to at
# most DANGBO_UPLOAD_MAX_UNPACKED_MB, no entry compressed more than DANGBO_UPLOAD_MAX_RATIO
# times. Import files (.xlsx, .csv) have their own bounds, rows and columns included.
DANGBO_UPLOAD_MAX_MB = float(os.environ.get("DANGBO_UPLOAD_MAX_MB", 20))
DANGBO_UPLOAD_MAX_UNPACKED_MB = float(os.environ.get("DANGBO_UPLOAD_MAX_UNPACKED_MB", 200))
DANGBO_UPLOAD_MAX_RATIO = float(os.environ.get("DANGBO_UPLOAD_MAX_RATIO", 100))
DANGBO_IMPORT_MAX_MB = float(os.environ.get("DANGBO_IMPORT_MAX_MB", 50))
DANGBO_IMPORT_MAX_UNPACKED_MB = float(os.environ.get("DANGBO_IMPORT_MAX_UNPACKED_MB", 300))
DANGBO_IMPORT_MAX_ROWS = int(os.environ.get("DANGBO_IMPORT_MAX_ROWS", 200_000))
DANGBO_IMPORT_MAX_COLUMNS = int(os.environ.get("DANGBO_IMPORT_MAX_COLUMNS", 100))
DANGBO_IMPORT_MAX_CELLS = int(os.environ.get("DANGBO_IMPORT_MAX_CELLS", 5_000_000))

REST_FRAMEWORK = {
    # Token first: an anonymous request answers 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, refusing tokens the second factor does not cover.
        "dangbo.core.twofactor.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The stock parsers, refusing control characters in any text value of a body.
    "DEFAULT_PARSER_CLASSES": [
        "dangbo.core.parsers.JSONParser",
        "dangbo.core.parsers.FormParser",
        "dangbo.core.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "dangbo.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dangbo API",
    "DESCRIPTION": "API của hệ thống thông tin công tác tổ chức xây dựng Đảng",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Served locally: party intranets are often offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "dangbo.members.choices.Status",
        "PartyPostEnum": "dangbo.committees.models.PartyPost",
        "AgencyCategoryEnum": "dangbo.committees.models.AgencyCategory",
        "CommitteeChangeKindEnum": "dangbo.committees.models.ChangeKind",
        "CommentKindEnum": "dangbo.committees.models.CommentKind",
        "ElectionBodyEnum": "dangbo.committees.models.Body",
        "ImportKindEnum": "dangbo.imports.models.Kind",
        "ImportStateEnum": "dangbo.imports.models.ImportJob.State",
        "GenderEnum": "dangbo.members.choices.Gender",
        "ReviewGradeEnum": "dangbo.reviews.models.Grade",
        "MeetingKindEnum": "dangbo.meetings.models.Kind",
        "MeetingStatusEnum": "dangbo.meetings.models.MeetingStatus",
        "AttendanceStatusEnum": "dangbo.meetings.models.AttendanceStatus",
        "TransferStateEnum": "dangbo.transfers.rules.State.CHOICES",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "core/table.html"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("DANGBO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# A background job (import step, export) whose worker sent no heartbeat for this long is marked
# failed (its worker died; dangbo.core.jobs); task rows of no job, after the second value.
DANGBO_STALE_JOB_SECONDS = float(os.environ.get("DANGBO_STALE_JOB_SECONDS", 15 * 60))
DANGBO_TASK_LOST_AFTER_SECONDS = float(os.environ.get("DANGBO_TASK_LOST_AFTER_SECONDS", 24 * 3600))

# Apps whose records only roles that name them may see (not reached by "*.view").
DANGBO_STRICT_APPS = ["inspections"]
# A call of a hook name not declared in dangbo.core.hooks.HOOKS raises (tests, development)
# instead of being logged and answered None.
DANGBO_STRICT_HOOKS = env_bool("DANGBO_STRICT_HOOKS", DEBUG)

SILENCED_SYSTEM_CHECKS = ["models.W040"]  # covering-index columns: PostgreSQL only

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Health and metrics (dangbo.core.ops): /healthz answers anyone (a load balancer probes it, it
# shows no data); /metrics answers only clients in DANGBO_METRICS_ALLOW (IP addresses or
# networks) or bearing DANGBO_METRICS_TOKEN ("Authorization: Bearer <token>").
DANGBO_METRICS_ALLOW = env_list("DANGBO_METRICS_ALLOW", "127.0.0.1,::1")
DANGBO_METRICS_TOKEN = os.environ.get("DANGBO_METRICS_TOKEN", "")
# Tasks waiting longer than this make /healthz report the queue as stalled (no worker running).
DANGBO_HEALTH_QUEUE_STALL_SECONDS = int(os.environ.get("DANGBO_HEALTH_QUEUE_STALL_SECONDS", 600))

# Logs: plain text by default; DANGBO_LOG_FORMAT=json writes one JSON object per line (for a
# log collector): time, level, logger, message, extra fields, exception.
LOG_FORMAT = os.environ.get("DANGBO_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "dangbo.core.ops.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DANGBO_LOG_LEVEL", "WARNING")},
}

# Member portal: e-mail notifications (also in the portal) when an address is on the account.
# Mail goes through Django's EMAIL_BACKEND (DANGBO_EMAIL_BACKEND, SMTP host settings below).
DANGBO_PORTAL_EMAIL = env_bool("DANGBO_PORTAL_EMAIL")
EMAIL_BACKEND = os.environ.get(
    "DANGBO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DANGBO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DANGBO_EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("DANGBO_EMAIL_FROM", "dangbo@localhost")
