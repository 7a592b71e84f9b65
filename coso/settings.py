"""Cơ Sở settings: one module, driven by environment variables (DATABASE_URL, COSO_*)."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COSO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("COSO_DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("COSO_TESTING")
PRODUCTION = env_bool("COSO_PRODUCTION", False)

SECRET_KEY = os.environ.get("COSO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("COSO_SECRET_KEY must be set when COSO_PRODUCTION is on.")
    # A development-only key: never used when COSO_PRODUCTION is set.
    SECRET_KEY = "coso-development-only-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("COSO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("COSO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "core",
    "accounts",
    "org",
    "followup",
    "incidents",
    "investment",
    "fieldwork",
    "reports",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered before the session and the user are read from the database.
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.LoadedUserMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coso.urls"
WSGI_APPLICATION = "coso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.notification_context.notifications",
            ],
        },
    },
]

# Database: the embedded SQLite file under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coso.sqlite3'}"),
        conn_max_age=int(os.environ.get("COSO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A fresh checkout has no var/ yet; SQLite cannot create the file's directory itself, and even
    # `check` opens the database (the JSON field check asks SQLite what it supports).
    _name = DATABASES["default"].get("NAME") or ""
    if _name and _name != ":memory:" and not _name.startswith("file:"):
        Path(_name).parent.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Lists and dashboards are many short queries: PostgreSQL's JIT compiler, which starts on high cost
    # estimates, spent 124 ms compiling an 80 ms status-bucket tally over 100,000 directives.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = os.environ.get("COSO_PG_OPTIONS", "-c jit=off")
    # A query a connection has run COSO_PG_PREPARE_THRESHOLD times is prepared: PostgreSQL keeps its plan
    # for the connection's life instead of planning it on every request (the incident page's query, with
    # its seven joined records, took 2.5 ms to plan and 0.5 ms to run). It needs the parameters sent apart
    # from the query (server-side binding). Empty turns both off, e.g. behind a pooler in transaction mode.
    _prepare_threshold = os.environ.get("COSO_PG_PREPARE_THRESHOLD", "2").strip()
    if _prepare_threshold:
        _pg_options.update(server_side_binding=True, prepare_threshold=int(_prepare_threshold))
# A read replica of PostgreSQL for the reports' read-only pages (core.replica, docs/operations.md): when set,
# the alias "replica" and the router that sends those reads, and only those, to it.
COSO_REPLICA_URL = os.environ.get("COSO_REPLICA_URL", "").strip()
if COSO_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        COSO_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # the test database is the primary's
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SERIALIZATION_MODULES = {"exactjson": "core.serializers"}  # backups keep microseconds

AUTH_USER_MODEL = "accounts.User"
# The organisation every record belongs to. Core's models point at it through this setting, as they point at
# the user through AUTH_USER_MODEL, so that core names no app above it (docs/decisions/0008-layers.md).
COSO_ORGANIZATION_MODEL = "org.PartyCommittee"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose session users come with their organisation and person (one query).
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("COSO_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("COSO_LOCKOUT_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# HTTP 429: the lockout page for people, a JSON {"detail": ...} under /api/.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLED = env_bool("COSO_AXES_ENABLED", True)

# Sessions: a working day, closed with the browser; renewed on every request.
SESSION_COOKIE_AGE = int(os.environ.get("COSO_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Renewed as it is used, but written at most every 5 minutes, not on every request (core.sessions).
SESSION_ENGINE = "core.sessions"
COSO_SESSION_RENEW_SECONDS = min(300, SESSION_COOKIE_AGE // 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("COSO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["coso.formats"]
# The empty choice of every select box, in every form and filter: Django's model and form fields get it from
# core (CoreConfig.ready), django-filter from its own setting.
COSO_BLANK_CHOICE = _("— Choose —")
FILTERS_EMPTY_CHOICE_LABEL = COSO_BLANK_CHOICE

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded files: under MEDIA_ROOT on this machine, or, with COSO_S3_BUCKET, in S3-compatible storage that
# several nodes share (django-storages with boto3: `pip install ".[s3]"`; docs/operations.md).
COSO_S3_BUCKET = os.environ.get("COSO_S3_BUCKET", "").strip()
_default_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if COSO_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": COSO_S3_BUCKET,
            "endpoint_url": os.environ.get("COSO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("COSO_S3_REGION") or None,
            "access_key": os.environ.get("COSO_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("COSO_S3_SECRET_KEY") or None,
            "location": os.environ.get("COSO_S3_PREFIX", ""),
            "default_acl": "private",  # attachments are served behind sign-in, never from a public address
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("COSO_S3_URL_SECONDS", "300")),
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Background work: Django's tasks framework on the database backend (no broker on one machine).
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# E-mail (Django 6.1 MAILERS). Development prints mail to the console; production sends it by SMTP
# (COSO_EMAIL_HOST, a local relay by default). pytest-django swaps in the locmem backend for tests.
_smtp_backend = "django.core.mail.backends.smtp.EmailBackend"
_email_backend = os.environ.get(
    "COSO_EMAIL_BACKEND",
    _smtp_backend if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
_mailer_options: dict = {}
if _email_backend == _smtp_backend:
    _mailer_options = {
        "host": os.environ.get("COSO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("COSO_EMAIL_PORT", "0")) or None,
        "username": os.environ.get("COSO_EMAIL_USER", ""),
        "password": os.environ.get("COSO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("COSO_EMAIL_USE_TLS", False),
        "use_ssl": env_bool("COSO_EMAIL_USE_SSL", False),
        "timeout": int(os.environ.get("COSO_EMAIL_TIMEOUT", "10")),
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    _mailer_options = {"file_path": os.environ.get("COSO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = os.environ.get("COSO_FROM_EMAIL", "coso@localhost")

# Security headers and a strict Content Security Policy: no inline scripts, nothing from outside.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("COSO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("COSO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Cơ Sở's own settings.
COSO_DEMO_PASSWORD = os.environ.get("COSO_DEMO_PASSWORD", "coso-demo-2026")
COSO_PAGE_SIZE = int(os.environ.get("COSO_PAGE_SIZE", "50"))
# The page margins of the reports' documents (DOCX, PDF) in mm: top, right, bottom, left (docs/reports.md).
COSO_REPORT_MARGINS_MM = os.environ.get("COSO_REPORT_MARGINS_MM", "20,15,20,30")
# The first day of a Party committee term; terms run five years from it (reports are numbered in a term).
COSO_TERM_START = os.environ.get("COSO_TERM_START", "2025-10-01")
# The briefing's draft of the last complete week, month or quarter, made by the reminders' run (empty: off).
COSO_BRIEFING_SCHEDULE = os.environ.get("COSO_BRIEFING_SCHEDULE", "")
# Working day: comma-separated HH:MM-HH:MM spans; Saturday morning optional.
COSO_WORKDAY = os.environ.get("COSO_WORKDAY", "08:00-12:00,13:00-17:00")
COSO_SATURDAY_MORNING = os.environ.get("COSO_SATURDAY_MORNING", "")  # e.g. "08:00-12:00"
# How long the API keeps the first answer to a request sent with an Idempotency-Key (core.idempotency).
COSO_IDEMPOTENCY_HOURS = int(os.environ.get("COSO_IDEMPOTENCY_HOURS", "24"))
COSO_API_TOKEN_DAYS = int(os.environ.get("COSO_API_TOKEN_DAYS", "365"))
COSO_BASE_URL = os.environ.get("COSO_BASE_URL", "http://127.0.0.1:8000")  # links in e-mails
# Follow-up: a re-supervision falls due this many days after a directive's deadline (or an obstacle's
# resolution); reminders go out this many days before a deadline.
COSO_RESUPERVISION_DAYS = int(os.environ.get("COSO_RESUPERVISION_DAYS", "30"))
COSO_REMINDER_DAYS = int(os.environ.get("COSO_REMINDER_DAYS", "3"))
COSO_FOLLOW_UP_DAYS = int(os.environ.get("COSO_FOLLOW_UP_DAYS", "30"))
COSO_MAX_UPLOAD_MB = int(os.environ.get("COSO_MAX_UPLOAD_MB", "20"))
# The API's limits (core.throttling): requests a token (or a signed-in user) and a client address may make,
# "count/period" with the period s, min, hour or day; empty: no limit. An exceeded limit answers 429.
COSO_API_RATE_TOKEN = os.environ.get("COSO_API_RATE_TOKEN", "1800/min")
COSO_API_RATE_ADDRESS = os.environ.get("COSO_API_RATE_ADDRESS", "6000/min")
# The reverse proxies in front of the application: a client's address is the one X-Forwarded-For names this
# many entries from its end. 0 (the default): the connection's own address; a header sent by a client is
# never believed.
NINJA_NUM_PROXIES = int(os.environ.get("COSO_NUM_PROXIES", "0"))
# The basemap of every map (core.basemap, docs/maps.md). A PMTiles archive the office places on the server
# (an absolute path, or one relative to the var directory, e.g. "maps/basemap.pmtiles"), served by the
# application itself behind sign-in; or the address of a tile server of the office's network, e.g.
# "https://tiles.example.vn/{z}/{x}/{y}.png". Neither: the points are drawn on a plain background.
COSO_MAP_PMTILES = os.environ.get("COSO_MAP_PMTILES", "")
COSO_MAP_TILE_URL = os.environ.get("COSO_MAP_TILE_URL", "")

# The default cache stays in each process, unless COSO_CACHE_URL names a Redis server that several nodes
# share (redis://host:6379/0, rediss:// with TLS, unix:///path). The API's throttles count in "throttle":
# files under the var directory, which every gunicorn worker of the machine shares (core.throttling); with
# several machines, each counts its own (docs/operations.md).
COSO_CACHE_URL = os.environ.get("COSO_CACHE_URL", "").strip()
_default_cache: dict = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
if COSO_CACHE_URL:
    if not COSO_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("COSO_CACHE_URL must be a redis://, rediss:// or unix:// address.")
    _default_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": COSO_CACHE_URL,
        "KEY_PREFIX": os.environ.get("COSO_CACHE_PREFIX", "coso"),
    }
# Sessions in that shared cache instead of the database (core.cache_sessions).
if env_bool("COSO_SESSION_CACHE", False):
    if not COSO_CACHE_URL:
        raise ImproperlyConfigured("COSO_SESSION_CACHE needs COSO_CACHE_URL (a Redis server).")
    SESSION_ENGINE = "core.cache_sessions"
    SESSION_CACHE_ALIAS = "default"
CACHES = {
    "default": _default_cache,
    "throttle": {
        "BACKEND": "core.throttling.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "throttle"),
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COSO_LOG_LEVEL", "WARNING")},
}
