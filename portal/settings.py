"""One settings module; every knob comes from the environment (see README and DESIGN.md)."""

from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_float, env_hours, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# --- Secret key: required unless DEBUG is on -------------------------------------------------
# It signs sessions and the unsubscribe links: a known key lets anyone forge them, so a server
# without DEBUG refuses to start on the demo key. (The tests set their own in pyproject.toml.)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: a long random value, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`. For the demo, set DEBUG=1."
        )
    SECRET_KEY = "django-insecure-demo-key-change-me-in-production-0123456789"  # noqa: S105 (DEBUG only)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "cooperation",
    "surveys",
    "portal.accounts",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.RefuseNulCharacters",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# --- Security headers (settings under "Security headers and sessions"), added by position so
# the list above reads as Django's own: CSP and Permissions-Policy on every response, no-store
# once the user is known.
_at = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE[_at:_at] = ["csp.middleware.CSPMiddleware", "django_permissions_policy.PermissionsPolicyMiddleware"]
_at = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_at:_at] = ["portal.middleware.NoStoreMiddleware"]
# The API answers in English unless Accept-Language asks for Finnish or Swedish.
_at = MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1
MIDDLEWARE[_at:_at] = ["portal.middleware.ApiLanguage"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.provider",
            ],
        },
    },
]

# --- Database: PostgreSQL in production and CI, a SQLite file for the demo -------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, worker and beat share the file: wait for locks and take the write lock
    # at BEGIN so two writers never deadlock upgrading a read lock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # An embedded broker that needs no server: messages are files in a folder that the web
    # server, the worker and beat all see.
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        # Remote-control (pidbox) messages too, or kombu writes them into the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task of a worker that dies is delivered again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Helsinki"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Surveys ---------------------------------------------------------------------------------
SURVEY_DELAY_SECONDS = env_int("SURVEY_DELAY_SECONDS", 7200)
SURVEY_DISPATCH_INTERVAL_SECONDS = env_int("SURVEY_DISPATCH_INTERVAL_SECONDS", 60)
SURVEY_QUIET_HOURS = env_hours("SURVEY_QUIET_HOURS")
SURVEY_LINK_TTL_DAYS = env_int("SURVEY_LINK_TTL_DAYS", 14)
SURVEY_THROTTLE_DAYS = env_int("SURVEY_THROTTLE_DAYS", 0)
# Days after the first email of an unanswered invitation that its one reminder goes (same link); 0: none.
SURVEY_REMINDER_DAYS = env_int("SURVEY_REMINDER_DAYS", 3)
# How long a dispatcher holds the invitations it claimed; a worker that dies frees them then.
SURVEY_CLAIM_LEASE_SECONDS = env_int("SURVEY_CLAIM_LEASE_SECONDS", 600)
# The first wait before a failed send is tried again; each further wait is four times longer.
SURVEY_RETRY_BASE_SECONDS = env_float("SURVEY_RETRY_BASE_SECONDS", 60)
MIN_GROUP_SIZE = env_int("MIN_GROUP_SIZE", 5)
# A questionnaire item whose yearly average at a customer is below this raises an account alert.
QUESTIONNAIRE_WEAK_ITEM_AVERAGE = env_float("QUESTIONNAIRE_WEAK_ITEM_AVERAGE", 3.0)
# The economic impact calculator's default cost of one sick-leave day to the employer, in euros
# (the figure commonly used in Finland; each customer's own can be typed in on the page).
SICK_LEAVE_DAY_COST_EUROS = env_int("SICK_LEAVE_DAY_COST_EUROS", 350)

CELERY_BEAT_SCHEDULE = {
    "dispatch-due-surveys": {
        "task": "surveys.tasks.dispatch_due_surveys",
        "schedule": float(SURVEY_DISPATCH_INTERVAL_SECONDS),
    },
    # Goals follow their indicators: a computed Measurement each month (portal/indicators.py).
    "snapshot-goal-indicators": {
        "task": "portal.indicators.snapshot_goal_indicators",
        "schedule": crontab(minute=30, hour=3, day_of_month=1),
    },
}

# --- Privacy operations: erasure and retention (surveys/privacy.py, README "Privacy operations")
# Answers' comments, the links from answers to people and invitation addresses older than this
# are anonymised by a daily task (0 = kept); statistics stay the same.
SURVEY_RETENTION_MONTHS = env_int("SURVEY_RETENTION_MONTHS", 24)
# django-axes sign-in records (attempts, logins, failures) are deleted after this (0 = kept).
SIGNIN_RECORD_RETENTION_DAYS = env_int("SIGNIN_RECORD_RETENTION_DAYS", 90)
# Stored send errors (texts from the mail server) are blanked after this (0 = kept).
SEND_ERROR_RETENTION_DAYS = env_int("SEND_ERROR_RETENTION_DAYS", 90)
# The key of the keyed hashes an opt-out is kept as once its address is erased. Empty: SECRET_KEY.
# Changing it (or SECRET_KEY while this is empty) makes those hashes unrecognisable unless the
# old key is listed in PRIVACY_HASH_KEY_FALLBACKS.
PRIVACY_HASH_KEY = env_str("PRIVACY_HASH_KEY")
PRIVACY_HASH_KEY_FALLBACKS = env_list("PRIVACY_HASH_KEY_FALLBACKS")
CELERY_BEAT_SCHEDULE |= {
    "retain-survey-data": {
        "task": "surveys.tasks.retain_survey_data",
        "schedule": crontab(minute=30, hour=4),
    },
    "expire-signin-records": {
        "task": "portal.tasks.expire_signin_records",
        "schedule": crontab(minute=45, hour=4),
    },
}
# --- end of privacy operations

# --- Email -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Without a mail server (the demo) messages are written as files to read in var/outbox.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH_OVERRIDE", str(VAR_DIR / "outbox"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Occupational health <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The provider's name in each language: the sender's name of emails in that language, their
# subject and greeting, the survey pages and the page titles. By default a display name given in
# DEFAULT_FROM_EMAIL (a brand is the same in every language), else a plain name per language.
_from_name = parseaddr(env_str("DEFAULT_FROM_EMAIL"))[0]
PROVIDER_NAMES = {
    "fi": env_str("PROVIDER_NAME_FI", _from_name or "Työterveyshuolto"),
    "sv": env_str("PROVIDER_NAME_SV", _from_name or "Företagshälsovården"),
    "en": env_str("PROVIDER_NAME_EN", _from_name or "Occupational health"),
}

# --- Accounts and security -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Failures count per account however the email is written, and per real client address behind
# TRUSTED_PROXY_COUNT proxies (as the throttles count), not per proxy: one attacker behind the
# load balancer must not lock everyone out.
AXES_USERNAME_CALLABLE = "portal.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.lockout.lockout_client_address"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Security headers and sessions -----------------------------------------------------------
# Every page's scripts, styles and images come from our own static files (no inline script,
# style or style attribute anywhere: tests/e2e/test_content_security_policy.py fails on any
# violation), so nothing injected into a page can run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "display-capture")
}
# Signed out after SESSION_IDLE_MINUTES without a request: the cookie's age is the idle time,
# renewed by every request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
# Dates and times as they are written in Finland, in each language: 24-hour times, day before
# month (portal/formats/<language>/formats.py; what they leave out comes from Django's own).
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static files: everything a page needs is served by the project (no CDN) ----------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "portal.schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.LimitOffsetWithinRange",
    # The browsable API's HTML forms would list every customer in their drop-downs.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "portal.api_renderers.BrowsableAPIWithoutForms",
    ],
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_RATES": {"survey_answer": env_str("SURVEY_ANSWER_RATE", "60/min")},
    # Throttles key on the client address: trust X-Forwarded-For only as far as our own proxies
    # (0: none, use REMOTE_ADDR), or anyone could pick a new address per request.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Occupational health cooperation portal API",
    "DESCRIPTION": "The integration contract of ../shared/API.md, as OpenAPI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # One schema name per choice set used under several field names.
    "ENUM_NAME_OVERRIDES": {
        "ThemeEnum": "cooperation.models.Theme",
        "PhaseEnum": "cooperation.models.Phase",
        "FeedbackCaseStatusEnum": "surveys.feedback_case_models.FeedbackCaseStatus",
        "VisitChannelEnum": "surveys.models.Channel",
        "ServiceContactChannelEnum": "surveys.service_contact_models.ContactChannel",
    },
}

# --- Logging: no email address or usable survey link in any log line --------------------------
# RedactPersonalData masks them on the loggers that log request paths (a 404, a CSRF failure or
# a throttled request names the path with its token) and on every handler here.
_REDACTED_LOGGERS = ("django.request", "django.security.csrf", "django.server")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.log_filters.RedactPersonalData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # runserver's request lines, as Django's default logging formats them.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact"]},
    },
    "loggers": {
        **{name: {"filters": ["redact"]} for name in _REDACTED_LOGGERS},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# --- Audit log (portal/audit) ----------------------------------------------------------------
# Kept apart from the blocks above: the audit app, its middleware (after authentication, so it
# knows the user), how long events are kept, and the daily task that expires older ones.
INSTALLED_APPS.append("portal.audit")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "portal.audit.middleware.AuditMiddleware",
)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)
CELERY_BEAT_SCHEDULE["expire-audit-events"] = {
    "task": "portal.audit.tasks.expire_audit_events",
    "schedule": crontab(minute=15, hour=4),
}

# --- Feedback cases (surveys/services/feedback_cases.py) --------------------------------------
# A patient's detractor answer (0–6) opens a case, due this many hours after the answer (the
# clock runs through weekends); a beat task emails the unit's lead once about each overdue case.
FEEDBACK_CASE_HOURS = env_int("FEEDBACK_CASE_HOURS", 48)
CELERY_BEAT_SCHEDULE["escalate-overdue-feedback-cases"] = {
    "task": "surveys.tasks.escalate_overdue_feedback_cases",
    "schedule": crontab(minute="*/15"),
}

# --- Account alerts (portal/alerts): computed daily, a weekly digest to each account manager.
INSTALLED_APPS.append("portal.alerts")
# An alert when the 12-month health percentage is this many points below the same window a
# year earlier, and when a customer in cooperation has had no steering-group meeting in this many months.
ALERT_HEALTH_DROP_POINTS = env_float("ALERT_HEALTH_DROP_POINTS", 5)
ALERT_MEETING_MONTHS = env_int("ALERT_MEETING_MONTHS", 6)
# How long a digest sender holds the rows it claimed; the first wait before a failed digest is
# tried again (each further wait four times longer), and the number of attempts before giving up.
ALERT_DIGEST_LEASE_SECONDS = env_int("ALERT_DIGEST_LEASE_SECONDS", 300)
ALERT_DIGEST_RETRY_BASE_SECONDS = env_float("ALERT_DIGEST_RETRY_BASE_SECONDS", 300)
ALERT_DIGEST_MAX_ATTEMPTS = env_int("ALERT_DIGEST_MAX_ATTEMPTS", 5)
CELERY_BEAT_SCHEDULE |= {
    "refresh-account-alerts": {
        "task": "portal.alerts.tasks.refresh_account_alerts",
        "schedule": crontab(minute=0, hour=5),
    },
    # Monday morning, after the daily refresh: the week's digests are queued and sent.
    "queue-alert-digests": {
        "task": "portal.alerts.tasks.queue_alert_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    # Digests that failed are tried again (cheap when there is nothing to send).
    "send-alert-digests": {
        "task": "portal.alerts.tasks.send_alert_digests",
        "schedule": crontab(minute="*/15"),
    },
}
# --- Service contacts (surveys/selectors/response_delay.py) ------------------------------------
# The first response to a chat or a phone call is on time within these many seconds; the
# response-delay figures report the share of contacts within them.
CHAT_RESPONSE_TARGET_SECONDS = env_int("CHAT_RESPONSE_TARGET_SECONDS", 60)
PHONE_RESPONSE_TARGET_SECONDS = env_int("PHONE_RESPONSE_TARGET_SECONDS", 180)
