"""Settings for Cảnh Giác.

Everything configurable comes from the environment through the helpers in `core.env`
and is documented in docs/configuration.md (a test keeps the two in step). The defaults give
a working embedded setup: SQLite in var/, the database task queue, console sign-in codes.
"""

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CANHGIAC_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _demo_secret_key() -> str:
    """Generate a secret key once and keep it in var/, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_secret("SECRET_KEY") or _demo_secret_key()
# Key of the keyed hashes of secrets handed to people (core/hashing.py, docs/security.md); by
# default derived from SECRET_KEY. After a rotation, the old key goes in HMAC_KEY_FALLBACKS.
HMAC_KEY = env_secret("HMAC_KEY") or hmac.new(SECRET_KEY.encode(), b"canhgiac.hmac-key", hashlib.sha256).hexdigest()
HMAC_KEY_FALLBACKS = [key.strip() for key in env_secret("HMAC_KEY_FALLBACKS").split(",") if key.strip()]
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or networks) whose X-Forwarded-For / X-Forwarded-Proto are believed;
# from anyone else those headers are dropped (core.middleware.ClientAddressMiddleware).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The map link sent to a dispatched officer or patrol: {lat} and {lon} are filled in (docs/reports.md).
DISPATCH_MAP_URL = env_str(
    "DISPATCH_MAP_URL", "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks_db",
    "django_rq",
    "core",
    "audit",
    "places",
    "people",
    "groups",
    "coverage",
    "reports",
    "duty",
    "open311",
    "api",
    "steering",
    "channels",
    "demo",
    "delivery",
    "bulletins",
    "privacy",
]

MIDDLEWARE = [
    "core.middleware.ClientAddressMiddleware",
    "core.metrics.RequestTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "people.middleware.OfficerSessionMiddleware",
    "people.middleware.StrongAuthMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "canhgiac.urls"
ASGI_APPLICATION = "canhgiac.asgi.application"
WSGI_APPLICATION = "canhgiac.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise (docs/deployment.md).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'canhgiac.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes; IMMEDIATE transactions take
        # the write lock up front, so two writers queue on busy_timeout instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY;"
            "PRAGMA cache_size=-20000;"
            "PRAGMA mmap_size=134217728;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Requests inside Django at once per web process (core/asgi.py); the rest wait in order of arrival.
# SQLite has one write lock, so few; PostgreSQL takes more. 0: no bound (Django's own behaviour).
REQUEST_CONCURRENCY = env_int(
    "REQUEST_CONCURRENCY", 8 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 16
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = ["people.auth.PhoneCodeBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "people:signin"
LOGIN_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Background tasks: the database queue by default, Redis (RQ) when REDIS_URL is set (docs/tasks.md).
REDIS_URL = env_str("REDIS_URL")
# Order matters for RQ workers, which drain the queues in this order.
TASK_QUEUES = ["urgent", "signin", "default", "imports"]
RQ_QUEUES = {name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"} for name in TASK_QUEUES}
# `manage.py rqworker` uses these without being told (core/taskqueue.py): jobs run with the class
# django-tasks-rq needs, and the worker logs no task arguments (phone numbers, sign-in codes).
RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job", "WORKER_CLASS": "core.taskqueue.Worker"}
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "core.taskqueue.RQBackend", "QUEUES": TASK_QUEUES}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

# Sign-in codes (docs/signin.md).
SIGNIN_CODE_SENDER = env_str("SIGNIN_CODE_SENDER", "people.senders.ConsoleSender")
SIGNIN_CODE_TTL_SECONDS = env_int("SIGNIN_CODE_TTL_SECONDS", 300)
SIGNIN_CODE_MAX_ATTEMPTS = env_int("SIGNIN_CODE_MAX_ATTEMPTS", 5)
SIGNIN_CODE_RESEND_SECONDS = env_int("SIGNIN_CODE_RESEND_SECONDS", 60)
SIGNIN_CODES_PER_HOUR = env_int("SIGNIN_CODES_PER_HOUR", 5)
SIGNIN_CODES_PER_IP_PER_HOUR = env_int("SIGNIN_CODES_PER_IP_PER_HOUR", 30)
SIGNIN_CODES_PER_NETWORK_PER_HOUR = env_int("SIGNIN_CODES_PER_NETWORK_PER_HOUR", 100)
SIGNIN_BACKOFF_MAX_SECONDS = env_int("SIGNIN_BACKOFF_MAX_SECONDS", 3600)
OTP_TOTP_ISSUER = "Cảnh Giác"

# Reports and the police workflow (docs/reports.md). Deadlines default to the Criminal
# Procedure Code; REPORT_DEADLINES may override them per kind in a settings module.
REPORT_MAX_PHOTOS = env_int("REPORT_MAX_PHOTOS", 4)
REPORT_MAX_PHOTO_BYTES = env_int("REPORT_MAX_PHOTO_BYTES", 8 * 1024 * 1024)
REPORT_MAX_TEXT = env_int("REPORT_MAX_TEXT", 5000)
# Every uploaded image (report photos, bulletin attachments) is refused above this many pixels,
# read from its header before decoding, and re-encoded below it (core/images.py).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
REPORT_REMINDER_LEAD_HOURS = env_int("REPORT_REMINDER_LEAD_HOURS", 48)
REPORT_FOLLOW_MAX_FAILURES = env_int("REPORT_FOLLOW_MAX_FAILURES", 10)
# Closed reports lose their personal data and photos this many days after closing (docs/privacy.md).
REPORT_RETENTION_DAYS = env_int("REPORT_RETENTION_DAYS", 365)
REPORT_DEADLINES: dict[str, dict[str, int | None]] = {}
# Lost & found matching (reports/matching.py): days apart, km apart (when both posts carry
# coordinates), and the least description score, in percent, for a suggested match.
LOST_FOUND_MATCH_DAYS = env_int("LOST_FOUND_MATCH_DAYS", 14)
LOST_FOUND_MATCH_KM = env_int("LOST_FOUND_MATCH_KM", 15)
LOST_FOUND_MATCH_THRESHOLD = env_int("LOST_FOUND_MATCH_SCORE_PERCENT", 50) / 100
REPORTS_LIVE_REDIS_URL = env_str("REPORTS_LIVE_REDIS_URL")  # defaults to REDIS_URL
# Map pin on the report form: tiles load from this server only when someone opens the map;
# empty disables the map (the "use my location" button stays).
REPORT_MAP_TILE_URL = env_str("REPORT_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
REPORT_MAP_ATTRIBUTION = env_str("REPORT_MAP_ATTRIBUTION", "© OpenStreetMap")
REPORT_MAP_CENTER = env_str("REPORT_MAP_CENTER", "11.3100,106.1000")  # Tây Ninh
# Filing a report in a Zalo or Telegram chat (docs/channels.md): an unfinished conversation is
# dropped after REPORT_CHAT_IDLE_MINUTES without an answer; after filing, the resident's messages
# go to the report's thread for REPORT_CHAT_FOLLOW_UP_DAYS after their last one.
REPORT_CHAT_IDLE_MINUTES = env_int("REPORT_CHAT_IDLE_MINUTES", 30)
REPORT_CHAT_FOLLOW_UP_DAYS = env_int("REPORT_CHAT_FOLLOW_UP_DAYS", 7)

# Duty and escalation (docs/reports.md): minutes an alert waits for an acknowledgement before it
# goes to the next officer (backup, chief, the police above), and how long the one-tap
# acknowledgement link in an alert stays valid.
DUTY_ACK_MINUTES_URGENT = env_int("DUTY_ACK_MINUTES_URGENT", 5)
DUTY_ACK_MINUTES = env_int("DUTY_ACK_MINUTES", 30)
DUTY_ACK_LINK_HOURS = env_int("DUTY_ACK_LINK_HOURS", 24)

# Open311 GeoReport v2 discovery (docs/open311.md).
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "Công an xã — liên hệ qua trang Cảnh Giác")
OPEN311_KEY_SERVICE = env_str(
    "OPEN311_KEY_SERVICE", "Ask the commune police for an API key (manage.py create_api_key)."
)
# Messaging channels (docs/channels.md). Each type lives in channels/types/<slug>/.
# Every way to reach a person, one folder each under channels/types/ (docs/channels.md).
CHANNEL_TYPES = env_list(
    "CHANNEL_TYPES", ["web", "email", "webpush", "zalo_oa", "zns", "zalo_bot", "telegram", "sms_gateway"]
)
# Per-type overrides of the engine's throttling: rate per minute, quiet hours "HH:MM-HH:MM".
CHANNEL_LIMITS = {
    "email": {
        "rate_per_minute": env_int("DELIVERY_EMAIL_RATE_PER_MINUTE", 600),
        "quiet_hours": env_str("DELIVERY_EMAIL_QUIET_HOURS", ""),
    },
}
CHANNELS_ENCRYPTION_KEY = env_secret("CHANNELS_ENCRYPTION_KEY")
# Reporters' names, phones and contacts encrypted at rest: comma-separated key materials, the
# first writes, all read (core/crypto.py, docs/privacy.md). Empty: derived from SECRET_KEY.
IDENTITY_ENCRYPTION_KEYS = [key.strip() for key in env_secret("IDENTITY_ENCRYPTION_KEYS").split(",") if key.strip()]
CHANNELS_HTTP_TIMEOUT_SECONDS = env_int("CHANNELS_HTTP_TIMEOUT_SECONDS", 10)
CHANNEL_LINK_CODE_TTL_SECONDS = env_int("CHANNEL_LINK_CODE_TTL_SECONDS", 900)
# A signed webhook event whose signed time is older than this, or further in the future than the
# allowed clock skew, is refused (docs/security.md): a captured event cannot be replayed later.
WEBHOOK_MAX_AGE_SECONDS = env_int("WEBHOOK_MAX_AGE_SECONDS", 3600)
WEBHOOK_CLOCK_SKEW_SECONDS = env_int("WEBHOOK_CLOCK_SKEW_SECONDS", 300)
# Webhook payloads hold residents' messages and phone numbers: processed ones are deleted after
# this many days (0 keeps them). Reports keep what was filed through a conversation.
CHANNEL_EVENT_RETENTION_DAYS = env_int("CHANNEL_EVENT_RETENTION_DAYS", 30)
ZALO_OAUTH_URL = env_str("ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
ZALO_OPENAPI_URL = env_str("ZALO_OPENAPI_URL", "https://openapi.zalo.me")
ZALO_ZNS_URL = env_str("ZALO_ZNS_URL", "https://business.openapi.zalo.me")
ZALO_BOT_API_URL = env_str("ZALO_BOT_API_URL", "https://bot-api.zaloplatforms.com")
TELEGRAM_API_URL = env_str("TELEGRAM_API_URL", "https://api.telegram.org")
# Pages the installable app keeps on the phone for use offline, by URL name (docs/pwa.md): the
# report form, so a report can be written with no network and sent when it returns.
PWA_OFFLINE_PAGES = ["reports:new"]
# Web Push (docs/channels.md, "Web Push"): the VAPID private key (`manage.py webpush_keys` makes
# one; the public key is derived from it), the contact push services see, how long they keep a
# push for a phone that is off, and the push services' hosts a subscription may point at.
WEBPUSH_VAPID_PRIVATE_KEY = env_secret("WEBPUSH_VAPID_PRIVATE_KEY")
WEBPUSH_VAPID_SUBJECT = env_str("WEBPUSH_VAPID_SUBJECT", "mailto:canhgiac@localhost")
WEBPUSH_TTL_SECONDS = env_int("WEBPUSH_TTL_SECONDS", 86400)
WEBPUSH_ENDPOINT_HOSTS = env_list(
    "WEBPUSH_ENDPOINT_HOSTS",
    ["fcm.googleapis.com", ".push.services.mozilla.com", "web.push.apple.com", ".notify.windows.com"],
)


LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 30)
SESSION_COOKIE_HTTPONLY = True
# Officers and staff (people.middleware.OfficerSessionMiddleware): signed out after this long
# without a request, and this long after signing in.
OFFICER_SESSION_IDLE_SECONDS = env_int("OFFICER_SESSION_IDLE_SECONDS", 30 * 60)
OFFICER_SESSION_MAX_SECONDS = env_int("OFFICER_SESSION_MAX_SECONDS", 12 * 3600)
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Cookies only over HTTPS unless DEBUG; SECURE_COOKIES=false serves a demo over plain HTTP on a LAN.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# HTTPS everywhere once the site is served over it (docs/deployment.md, docs/security.md).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Probes and scrapers on the machine itself talk plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)

# Steering maps (docs/steering.md): base-map tiles; empty MAP_TILE_URL shows the map without a base map.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
# Opening a dashboard whose figures are older than this queues a recompute of its province.
STEERING_FIGURES_MAX_AGE = env_int("STEERING_FIGURES_MAX_AGE", 3600)


def _tile_origin(template: str) -> str:
    """The origin map tiles load from ("https://{s}.tile.example" allows its subdomains)."""
    parts = urlsplit(template)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}" if parts.scheme and parts.netloc else ""


# Content Security Policy (Django's own, docs/security.md): scripts only from the site or with
# the response's nonce (`<script nonce="{{ csp_nonce }}">`); stylesheets likewise, while style
# attributes stay allowed (style-src-attr); images also from the map tile servers.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # for browsers without style-src-elem/-attr
    "style-src-elem": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [
        CSP.SELF,
        "data:",
        "blob:",
        *sorted({origin for origin in map(_tile_origin, [REPORT_MAP_TILE_URL, MAP_TILE_URL]) if origin}),
    ],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs full URLs, and bot tokens travel in URL paths; channels/http.py logs calls redacted.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# Email (SMTP) through Django's mailers, used by the email delivery channel (docs/fanout.md).
MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "127.0.0.1"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_secret("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 20),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cảnh Giác <canhgiac@localhost>")

# The fan-out engine (docs/fanout.md).
DELIVERY_BATCH_SIZE = env_int("DELIVERY_BATCH_SIZE", 50)
# Sends in flight per worker process (sender threads, each with its own database connection)
# and at most this many at once on one credential (docs/fanout.md, "Sending at the provider's pace").
DELIVERY_CONCURRENCY = env_int("DELIVERY_CONCURRENCY", 32)
DELIVERY_CONCURRENCY_PER_CREDENTIAL = env_int("DELIVERY_CONCURRENCY_PER_CREDENTIAL", 16)
# Where the per-credential send counters live: "database" (a locked row) or "redis".
DELIVERY_RATE_STORE = env_str("DELIVERY_RATE_STORE", "redis" if REDIS_URL else "database")
# An idle drain waits this long for deliveries put back until a rate window opens.
DELIVERY_WAIT_FOR_DUE_SECONDS = 3
DELIVERY_DRAIN_SECONDS = env_int("DELIVERY_DRAIN_SECONDS", 60)
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 300)
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 5)
DELIVERY_RETRY_BASE_SECONDS = env_int("DELIVERY_RETRY_BASE_SECONDS", 30)
DELIVERY_RETRY_MAX_SECONDS = env_int("DELIVERY_RETRY_MAX_SECONDS", 3600)
DELIVERY_INBOX_POLL_SECONDS = env_int("DELIVERY_INBOX_POLL_SECONDS", 1)
BULLETIN_ATTACHMENT_MAX_BYTES = env_int("BULLETIN_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
# Jobs the `deliver` loop runs on every round (dotted paths to functions without arguments).
DELIVERY_PERIODIC = [
    "bulletins.actions.publish_due",
    "channels.actions.purge_inbound_events_hourly",
    "duty.tasks.sweep_in_loop",
]

# Periodic jobs, enqueued once per period by `manage.py scheduler` however many run (docs/tasks.md).
SCHEDULED_JOBS: dict[str, dict[str, Any]] = {
    "steering.daily": {"task": "steering.tasks.daily", "at": env_str("STEERING_DAILY_AT", "00:15")},
    "reports.deadline_reminders": {"task": "reports.tasks.send_deadline_reminders", "every_minutes": 15},
    "duty.sweep": {"task": "duty.tasks.sweep_task", "every_minutes": 1},
    "reports.retention": {
        "task": "reports.tasks.remove_expired_personal_data",
        "at": env_str("REPORT_RETENTION_AT", "02:30"),
    },
    # Deliveries have no foreign-key constraints: this finds any pointing at nobody (there should be none).
    "delivery.orphans": {"task": "delivery.tasks.sweep_orphan_deliveries", "at": "03:00"},
}

# Prometheus metrics at /metrics, for these addresses or a bearer token (docs/deployment.md).
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_secret("METRICS_TOKEN")

# Logs: plain lines for a terminal, or one JSON object per line for a log collector.
if env_str("LOG_FORMAT", "plain") == "json":
    LOGGING["formatters"]["json"] = {"()": "core.logs.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"

# Errors to Sentry when SENTRY_DSN is set (`pip install sentry-sdk`; not needed otherwise).
SENTRY_DSN = env_secret("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0)
