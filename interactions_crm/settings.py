"""Settings for Interactions CRM: one module, driven by environment variables.

Every value that differs between a developer's laptop, CI and production is read
from the environment; the defaults give a safe-to-run local SQLite setup.

``PRODUCTION=1`` is the one production switch (docs/deploy.md): it refuses to
start without ``SECRET_KEY`` or with ``DEBUG``, and turns on HTTPS only (HSTS,
SSL redirect, secure cookies, the proxy's ``X-Forwarded-Proto``) and the
collected, hashed static files. Without it (a developer's ``make run``, the test
suite) a random key is generated once into the untracked ``.local/`` directory.
"""

import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Untracked, per checkout: the generated development key and the default file
# cache live here.
LOCAL_DIR = Path(os.environ.get("CRM_LOCAL_DIR", BASE_DIR / ".local"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def local_path(name: str) -> Path:
    """``LOCAL_DIR / name``, making the directory (ignored by git) if needed."""
    try:
        LOCAL_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        ignore = LOCAL_DIR / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot create {LOCAL_DIR} ({exc.strerror}): set CRM_LOCAL_DIR to a "
            "writable directory, or set SECRET_KEY and CACHE_DIR."
        ) from exc
    return LOCAL_DIR / name


def local_secret_key() -> str:
    """The checkout's own random key, made on first use (never in production).

    Written to a temporary file and linked into place, so processes starting
    together (gunicorn workers, a task worker) all end up with the same key.
    """
    path = local_path("secret_key")
    if not path.exists():
        temporary = path.with_name(f".secret_key.{os.getpid()}")
        temporary.write_text(secrets.token_urlsafe(50))
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            temporary.unlink()
    return path.read_text().strip()


PRODUCTION = env_bool("PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG is on with PRODUCTION=1: debug pages show settings and code to "
        "anyone; unset DEBUG in production."
    )


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY", "").strip():
        return key
    if key_file := os.environ.get("SECRET_KEY_FILE"):
        return Path(key_file).read_text().strip()
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: PRODUCTION=1 refuses to start without it "
            "(or SECRET_KEY_FILE naming a file that holds it). It signs "
            "sessions and password-reset links; generate a long random value "
            "and keep it out of the repository."
        )
    return local_secret_key()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps first: interactions overrides the `flush` command (see
    # interactions/management/commands/flush.py) and admin templates.
    "interactions_crm.platform",
    "contacts",
    "interactions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: decides primary or replica per request.
    "interactions_crm.platform.middleware.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "interactions_crm.urls"
WSGI_APPLICATION = "interactions_crm.wsgi.application"
ASGI_APPLICATION = "interactions_crm.asgi.application"

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# DATABASE_URL selects the database: SQLite file by default (first run),
# postgresql://… in production and CI (psycopg 3). DATABASE_REPLICA_URL adds a
# streaming replica that lag-tolerant reads go to (docs/deploy.md, "Read
# replica"; interactions_crm/platform/routers.py).
#
# PostgreSQL keeps one connection per process and alias open (CONN_MAX_AGE,
# checked before reuse), which suits gunicorn's sync workers: a process never
# needs two at a time. Threaded or async servers set DATABASE_POOL_MAX_SIZE to
# use Django's connection pool instead (needs psycopg[pool]).
POSTGRES_CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 0)


def database(url: str) -> dict[str, Any]:
    """One ``DATABASES`` entry for ``url`` with this project's options."""
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A web process and a task worker share the file: WAL + busy timeout,
        # and IMMEDIATE transactions so writers queue instead of failing "locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
        config["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME")}
        return config
    config.setdefault("OPTIONS", {})
    if DATABASE_POOL_MAX_SIZE:
        if importlib.util.find_spec("psycopg_pool") is None:
            raise ImproperlyConfigured(
                "DATABASE_POOL_MAX_SIZE is set but psycopg_pool is not "
                "installed: pip install 'interactions-crm[pool]'."
            )
        config["OPTIONS"]["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    else:
        config["CONN_MAX_AGE"] = POSTGRES_CONN_MAX_AGE
        config["CONN_HEALTH_CHECKS"] = True
    if test_name := os.environ.get("PG_TEST_NAME"):
        config["TEST"] = {"NAME": test_name}
    return config


DATABASES = {
    "default": database(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}
# The replica alias always exists; without DATABASE_REPLICA_URL it is the
# primary's own settings and the router sends nothing to it (tests turn the
# router on against this mirror of the test database).
CRM_READ_REPLICA = bool(os.environ.get("DATABASE_REPLICA_URL"))
DATABASES["replica"] = (
    database(os.environ["DATABASE_REPLICA_URL"])
    if CRM_READ_REPLICA
    else dict(DATABASES["default"])
)
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["interactions_crm.platform.routers.ReplicaRouter"]
# How long after a write request a user's reads stay on the primary.
CRM_READ_YOUR_WRITES_SECONDS = env_int("CRM_READ_YOUR_WRITES_SECONDS", 5)

# --- Shared state: cache, sessions ----------------------------------------
# Every process sees the same cache: throttle counters and read-your-writes
# marks live there (docs/deploy.md, "Shared state").
# * default: files under CACHE_DIR — shared by every process on this machine,
#   no queries, nothing to run;
# * CACHE_BACKEND=database: a table in the database (make it once with
#   `manage.py createcachetable`) — shared by every machine, but each API
#   request then costs ~5 more queries on the primary;
# * REDIS_URL: Redis (pip install 'interactions-crm[redis]') — shared by every
#   machine, the choice past one machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_BACKEND = "redis" if REDIS_URL else os.environ.get("CACHE_BACKEND", "file")
if CACHE_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("CACHE_BACKEND=redis needs REDIS_URL.")
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the redis package is not installed: "
            "pip install 'interactions-crm[redis]'."
        )
    _cache: dict[str, Any] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
elif CACHE_BACKEND == "database":
    _cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "crm_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
    }
elif CACHE_BACKEND == "file":
    _cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR") or str(local_path("cache")),
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5_000)},
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_BACKEND must be file, database or redis, not {CACHE_BACKEND!r}."
    )
CACHES = {"default": {**_cache, "KEY_PREFIX": "crm"}}
# Sessions are rows in the database (Django's default), so any process serves
# any user; they are read and written on the primary only.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- I18N -------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True
# One date/time format per language (interactions_crm/formats/, issue #13).
FORMAT_MODULE_PATH = ["interactions_crm.formats"]

# --- Static and media -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Production serves the collected files with hashed names (`collectstatic`,
# done by `make serve`); elsewhere whitenoise serves them straight from the
# source directories, so `make run` shows the site without DEBUG.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- E-mail -----------------------------------------------------------------
# Django's MAILERS: console backend for development, SMTP in production
# (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend + EMAIL_HOST …);
# the test runner swaps in the locmem backend.
_email_backend = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
_email_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@example.com")

# --- Background tasks (Django Tasks + django-tasks-db worker) ---------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Security ---------------------------------------------------------------
# PRODUCTION=1 assumes a proxy in front that terminates TLS and sets
# X-Forwarded-Proto (docs/deploy.md); `manage.py check --deploy` then reports
# nothing. HSTS_* tune the Strict-Transport-Security header.
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION and env_bool(
    "HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = PRODUCTION and env_bool("HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response: scripts, styles, images and
# fonts from this site only; no inline script or style, no eval, no plugins,
# no framing, forms post only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- REST framework ---------------------------------------------------------
_THROTTLING = "interactions_crm.platform.api.throttling"
REST_FRAMEWORK = {
    # Token first; a request without credentials is counted against the
    # anonymous rate before it is refused (AnonymousRateLimit).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        f"{_THROTTLING}.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        f"{_THROTTLING}.AnonymousRateLimit",
    ],
    # Model permissions incl. view_* for reads, plus per-action custom ones.
    "DEFAULT_PERMISSION_CLASSES": [
        "interactions_crm.platform.api.permissions.CrmPermissions",
        # Last: the body matches the operation's schema (else 400).
        "interactions_crm.platform.api.contract.MatchesContract",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "interactions_crm.platform.api.filters.StrictFilterBackend"
    ],
    # JSON in (one request format for clients generated from the schema); the
    # browsable API's raw-data form sends JSON too.
    "DEFAULT_PARSER_CLASSES": ["interactions_crm.platform.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "interactions_crm.platform.api.schema.CrmAutoSchema",
    "EXCEPTION_HANDLER": "interactions_crm.platform.api.errors.exception_handler",
    # Counters live in the shared cache (CACHES), so the rates hold for the
    # whole site, not per process.
    "DEFAULT_THROTTLE_CLASSES": [
        f"{_THROTTLING}.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    # Generous per-user rate for ERP batch traffic; "anon" limits requests
    # without credentials per client address; "auth_failure" limits wrong
    # tokens per client address (then every token attempt from it gets 429
    # until the window passes); "bulk" limits the long-running batch endpoints
    # (delete canceled, log segment) per user.
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_RATE", "6000/min"),
        "anon": os.environ.get("API_ANON_THROTTLE_RATE", "60/min"),
        "auth_failure": os.environ.get("API_AUTH_FAILURE_THROTTLE_RATE", "20/min"),
        "bulk": os.environ.get("API_BULK_THROTTLE_RATE", "60/min"),
    },
    # Client address for the throttles: REMOTE_ADDR unless NUM_PROXIES proxies
    # in front append to X-Forwarded-For (a client could forge the header).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Interactions CRM API",
    "DESCRIPTION": "Contacts, interaction templates and the interaction log.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Anyone may read the contract (to generate a client); every operation in
    # it still needs a token or a session.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The schema shows the two ways to authenticate; AnonymousRateLimit is a
    # throttle that happens to run during authentication.
    "AUTHENTICATION_WHITELIST": [
        f"{_THROTTLING}.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "ENUM_NAME_OVERRIDES": {"ContactTypeEnum": "contacts.models.Contact.Type"},
}

# --- Domain settings --------------------------------------------------------
# Batch size for set-based deletes of canceled entries (key-range batches; one
# transaction each). 10,000 rows take ~0.2 s on PostgreSQL: a progress step that
# short, and half the per-batch statements and commits of 5,000 (measured at
# 500,000 entries: 1.16x a single raw DELETE at 5,000, 1.11x at 10,000).
CRM_DELETE_BATCH_SIZE = int(os.environ.get("CRM_DELETE_BATCH_SIZE", "10000"))
# The largest run done within a request (deleting canceled entries, logging a
# segment); larger runs go to the task worker with a progress bar — on the staff
# pages, in admin and through the API (202 + jobs/{id}/) alike.
CRM_BACKGROUND_THRESHOLD = int(os.environ.get("CRM_BACKGROUND_THRESHOLD", "10000"))
# A running job without a heartbeat for this many seconds is taken over by the
# next worker (its worker died); it resumes with what is left.
CRM_JOB_STALE_AFTER = int(os.environ.get("CRM_JOB_STALE_AFTER", "120"))
# How long a confirmation page's intent stays valid (seconds).
CRM_INTENT_MAX_AGE = int(os.environ.get("CRM_INTENT_MAX_AGE", "86400"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Outbox, consent and bounces (DOMAIN §12) --------------------------------
# Messages per minute each sending account (a MAILERS alias) may send, across
# all outbox workers; an account not listed is refused (no silent default).
CRM_OUTBOX_PER_MINUTE = {
    alias: int(os.environ.get("CRM_OUTBOX_PER_MINUTE", "600")) for alias in MAILERS
}
# Messages a worker claims per round; a claim older than the timeout belongs to
# a worker that died and is picked up again (only its in-flight message may go
# out twice, with the same Message-ID).
CRM_OUTBOX_BATCH_SIZE = int(os.environ.get("CRM_OUTBOX_BATCH_SIZE", "50"))
CRM_OUTBOX_CLAIM_TIMEOUT = int(os.environ.get("CRM_OUTBOX_CLAIM_TIMEOUT", "300"))
# Temporary failures (4xx, no connection) retry after base · 2^(attempt-1)
# seconds, at most max; after this many attempts the message fails.
CRM_OUTBOX_RETRY_BASE = int(os.environ.get("CRM_OUTBOX_RETRY_BASE", "60"))
CRM_OUTBOX_RETRY_MAX = int(os.environ.get("CRM_OUTBOX_RETRY_MAX", "3600"))
CRM_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("CRM_OUTBOX_MAX_ATTEMPTS", "8"))
# Absolute address of this site, for the unsubscribe link in marketing e-mail.
CRM_PUBLIC_URL = os.environ.get("CRM_PUBLIC_URL", "http://localhost:8000")
# Salt of the signed unsubscribe token (changing it voids every sent link).
CRM_UNSUBSCRIBE_SALT = "interactions.unsubscribe"
# Unsubscribe requests (GET and POST) per client address per minute.
CRM_UNSUBSCRIBE_RATE_PER_MINUTE = int(
    os.environ.get("CRM_UNSUBSCRIBE_RATE_PER_MINUTE", "30")
)
# Domain of generated Message-IDs (defaults to the host of DEFAULT_FROM_EMAIL).
CRM_MESSAGE_ID_DOMAIN = os.environ.get(
    "CRM_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
)
