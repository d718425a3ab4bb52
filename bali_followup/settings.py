"""Settings for the Bali follow-up tracker: one module, driven by environment variables.

With no environment at all the app runs on an embedded SQLite file with DEBUG off;
`DATABASE_URL` switches to PostgreSQL. The README lists every variable.
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

from bali_followup.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    # Only for a developer's own machine: DEBUG is on, so this never reaches production.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
# Without DEBUG there is no fallback. The app refuses to serve without a key (the WSGI and
# ASGI entry points call require_secret_key, and runserver goes through them), and Django
# refuses to sign anything with an empty one; commands that sign nothing (makemigrations,
# check) still run, so that the project loads for its tooling.

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin: its translated fields show in the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware (the language menu's cookie, then the browser's languages),
    # after the user is known: a logged-in user's own preference comes first.
    "commitments.languages.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view (and CSRF's process_view) reads the request's data; after the user is
    # known, for the refusal's page.
    "commitments.middleware.RefuseOversizedRequestsMiddleware",
    "commitments.middleware.RefuseNulBytesMiddleware",
    "commitments.middleware.PrivateWhenLoggedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins: after AXES_FAILURE_LIMIT failures for one username from one address, that
# login is locked for AXES_COOLOFF_HOURS; the secretariat can unlock it sooner in the admin
# (Access attempts: delete the row) or with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False
# The username as axes records it, cut to the length a username can have: a longer one is no
# one's, and would not fit axes' column.
AXES_USERNAME_CALLABLE = "commitments.access.login_username"

ROOT_URLCONF = "bali_followup.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commitments.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "bali_followup.wsgi.application"

SQLITE_PATH = env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one request writes; IMMEDIATE takes the write lock at
        # the start of a transaction, so two writers queue (up to `timeout` seconds)
        # instead of failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# The cache holds pages' shared fragments (keyed on the data version: commitments/caching.py)
# and the rate limits' counts. Local memory by default (one process: `make run`); with
# several processes or instances behind one database, set REDIS_URL so that they share
# one cache (Django's own Redis backend).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "followup",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "followup",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface's languages, each named in itself for the language menu. English is the
# source; the catalogues are under locale/ (compiled by `make install`).
LANGUAGES = [
    ("en", "English"),
    ("id", "Bahasa Indonesia"),
    ("fr", "Français"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Reference data in every language (commitments/translation.py): a field per language, the
# English one the source; a translation not yet entered reads as the English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _ in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["bali_followup.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# In production WhiteNoise serves the collected, compressed and fingerprinted files; when
# developing and testing it serves them straight from the apps' folders (no collectstatic).
STATIC_FROM_SOURCE = env_bool("STATIC_FROM_SOURCE", default=DEBUG)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = STATIC_FROM_SOURCE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_FROM_SOURCE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Evidence files: stored outside the static files and never served directly; a view checks
# permission on each download. MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Downloads of /reports/ up to EXPORT_DIRECT_ROWS reports are made while the request waits
# (50,000: about 4 s as CSV and 13 s as Excel here, well within the server's timeout, so that
# no download is cut off half-way); larger ones are prepared in the background (the page
# says so and offers the file when it is ready), up to EXPORT_MAX_ROWS (an Excel sheet holds
# 1,048,576 rows). Past that the page says so and nothing is made.
EXPORT_DIRECT_ROWS = env_int("EXPORT_DIRECT_ROWS", 50_000)
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 1_048_000)
# Where the prepared documents (the PDF for Ministers, large downloads) are kept.
PREPARED_ROOT = env_str("PREPARED_ROOT", str(BASE_DIR / "prepared"))
# Files of reports to import (/reports/import/, `import_reports`): at most this many bytes
# (a file over it is dropped as it arrives and the page says so) and this many rows (a file
# with more is refused whole, before any row is looked at). 10,000 rows preview and apply in
# well under 30 s here (bench/import_rows.py).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # files in one request; a report rarely needs more
# A file over EVIDENCE_MAX_BYTES is dropped as it arrives; a request larger than all the files
# it may carry, plus the form's text, is refused before it is read.
FILE_UPLOAD_HANDLERS = [
    "commitments.uploads.EvidenceSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
REQUEST_MAX_BYTES = (
    max(EVIDENCE_MAX_BYTES * DATA_UPLOAD_MAX_NUMBER_FILES, IMPORT_MAX_BYTES) + 3 * 1024 * 1024
)
FILE_UPLOAD_PERMISSIONS = 0o640

# The official's workspace flags a status older than this many days as stale.
FOLLOWUP_STALE_AFTER_DAYS = env_int("FOLLOWUP_STALE_AFTER_DAYS", 365)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Progress data (reports, statuses, the matrix, exports) needs a login unless this is true;
# reference data (the statement, participants, meetings, the deadline) is always public.
FOLLOWUP_PUBLIC_PROGRESS = env_bool("FOLLOWUP_PUBLIC_PROGRESS", default=False)

BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
# Behind HTTPS, browsers are told to come back only over HTTPS (a year), unless set otherwise.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if BEHIND_HTTPS_PROXY else 0)
# The policy covers the tracker's own host and the hosts below it (not its parent domain),
# and allows submitting it to the browsers' preload list.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Behind the proxy a plain-http request is sent to https, but for the load balancer's
# health check, which may speak plain http to the app.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=BEHIND_HTTPS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content Security Policy, enforced on every page, the admin's included: scripts, styles, fonts
# and images from this site only (no inline script or style anywhere), nothing framed, forms
# posted only here. `data:` images are Pico's icons (the select's arrow, the checkbox's tick).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

# Email goes to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                # Seconds to wait for the server at each step; the worker, not a request,
                # waits, and a timed-out email is tried again later.
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST  # a plain setting named like the old ones is refused beside MAILERS
# Background tasks (the emails): stored in the database and run by `manage.py db_worker`,
# which `make run` starts beside the server. Tests run them at once, in the request.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "followup@localhost")
# The address the app is reached at, for the links in its emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "commitments.log_filters.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of each PDF at INFO: not worth a log line.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# The read-only API (/api/v1/, commitments/api/): JSON only, personal tokens for programs and
# the session for the browser, rate limits per token (or user) and per address for anonymous
# callers, counted in the default cache (shared with REDIS_URL). Its permissions are declared
# on each view; the default refuses, so that a view that forgets them is not public.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commitments.api.authentication.ApiTokenAuthentication",
        "commitments.api.authentication.ReadOnlySessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "commitments.api.throttling.PerTokenThrottle",
        "commitments.api.throttling.PerAddressThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_rate("API_THROTTLE_USER", "2000/hour"),
        "anon": env_rate("API_THROTTLE_ANON", "200/hour"),
    },
    # The client's address as the login lockout reads it: behind AXES_PROXY_COUNT proxies.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT or None,
    "DEFAULT_SCHEMA_CLASS": "commitments.api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bali follow-up tracker API",
    "DESCRIPTION": (
        "Read-only access to the follow-up of the Co-Chairs' Statement of the Bali Ministerial "
        "Conference on People Smuggling, Trafficking in Persons and Related Transnational Crime "
        "(26-28 February 2002): the statement's paragraphs, participants and commitments; the "
        "ministerial and expert meetings, the experts' groups and their volunteers; the "
        "recommendations and their moves; the mechanisms and handovers of paragraph 25; and "
        "the participants' submitted progress reports with the status matrix as of a date.\n\n"
        "Progress is voluntary self-reporting (paragraph 19 of the statement): each report is "
        "a participant's own account, shown without rankings or scores.\n\n"
        "Reference data is public. Progress data (reports, the matrix, handovers) needs a "
        "personal API token, made on the account page (/accounts/tokens/) and sent as "
        "`Authorization: Bearer <token>`, unless the deployment makes progress public."
    ),
    "VERSION": "1.0.0",
    "SERVERS": [{"url": SITE_URL, "description": "This deployment"}],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "commitments.models.progress.ReportStatus",
        "ConfidenceEnum": "commitments.models.sourcing.Confidence",
        "RecommendationStatusEnum": "commitments.models.mechanisms.Recommendation.Status",
        "ExpertMeetingStatusEnum": "commitments.models.meetings.ExpertMeeting.Status",
        "MatrixCellStatusEnum": "commitments.api.serializers.CELL_STATUSES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True},
}

# The name shown in the page title, the header and the admin, in the page's language.
SITE_NAME = gettext_lazy("Bali follow-up tracker")
SIMPLE_HISTORY_REVERT_DISABLED = True  # reverting would overwrite data; corrections are new records
