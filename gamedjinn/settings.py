"""Game Djinn settings: the only settings module, configured from the environment alone.

See README.md for every variable. Unset DATABASE_URL/REDIS_URL selects the embedded mode (SQLite,
in-memory channel layer, in-process Celery worker and beat); setting them selects production mode.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

from gamedjinn import secrets_store
from gamedjinn.env import (
    env_bool,
    env_choice,
    env_email,
    env_float,
    env_int,
    env_list,
    env_rate_limit,
    env_str,
    env_url,
    read_setting,
)
from platforms.registry import integrations_by_code

BASE_DIR = Path(__file__).resolve().parent.parent

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secrets_store.secret_key(env_str("SECRET_KEY") or None, DATA_DIR)
FIELD_ENCRYPTION_KEYS = secrets_store.field_encryption_keys(
    env_list("FIELD_ENCRYPTION_KEYS"), DATA_DIR
)

WEB_PORT = env_int("WEB_PORT", 8000, minimum=1, maximum=65535)
MCP_PORT = env_int("MCP_PORT", 8080, minimum=1, maximum=65535)
PUBLIC_URL = env_url("PUBLIC_URL", f"http://localhost:{WEB_PORT}")
_public = urlsplit(PUBLIC_URL)
PUBLIC_HOST = _public.hostname or "localhost"
PUBLIC_ORIGIN = f"{_public.scheme}://{_public.netloc}"
PUBLIC_IS_HTTPS = _public.scheme == "https"

ALLOWED_HOSTS = sorted(
    {PUBLIC_HOST, "localhost", "127.0.0.1", "[::1]", *env_list("EXTRA_ALLOWED_HOSTS")}
)
CSRF_TRUSTED_ORIGINS = [PUBLIC_ORIGIN]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "gamedjinn",
    "platforms",
    "libraries",
    "games",
    "assistant",
    "mcp_bridge",
]

AUTH_REMOTE_USER_HEADER = env_str("AUTH_REMOTE_USER_HEADER")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "libraries.uploads.limit_upload_size",
    "gamedjinn.nul_characters.reject_nul_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *(["gamedjinn.auth.TrustedHeaderMiddleware"] if AUTH_REMOTE_USER_HEADER else []),
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "gamedjinn.urls"
ASGI_APPLICATION = "gamedjinn.asgi.application"
WSGI_APPLICATION = None

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
                "gamedjinn.context_processors.app",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if _db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "gamedjinn.sqlite3"),
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock when two writers start a transaction at once.
    # mmap reads pages straight from the OS page cache, shared by every connection, instead of
    # copying them into each connection's 2 MB page cache: browsing 10,000 games in title order
    # reads every row, and took 11 ms instead of 5.7 ms through the small cache.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000; PRAGMA mmap_size=268435456;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": str(DATA_DIR / "test_gamedjinn.sqlite3")}
    if _db["NAME"] and _db["NAME"] != ":memory:" and not _db["NAME"].startswith("file:"):
        # It holds the encrypted credentials and every session: private, like the keys.
        secrets_store.private_file(Path(_db["NAME"]))
else:
    # Price random reads for SSD-class storage (PostgreSQL's default assumes spinning disks);
    # otherwise a title search seq-scans games_game (12 ms at 10,000 games) instead of using
    # the trigram index (1 ms).
    _db.setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"
    # Under ASGI persistent connections exhaust PostgreSQL; a pool per process reuses them
    # instead (opening one costs ~6 ms per request otherwise). 0 turns the pool off.
    _pool_size = env_int("DATABASE_POOL_SIZE", 8, minimum=0, maximum=100)
    if _pool_size:
        _db["OPTIONS"]["pool"] = {"min_size": 1, "max_size": _pool_size, "timeout": 10}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Redis: cache, channel layer, Celery broker ------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
EMBEDDED_MODE = not REDIS_URL
CACHE_TTL = env_int("CACHE_TTL", 300, minimum=0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": CACHE_TTL,
            "KEY_PREFIX": "gamedjinn",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "gamedjinn"},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": CACHE_TTL,
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost Redis keeps reconnecting instead of exiting after Celery's default 100
# attempts (about 50 minutes), so syncs resume by themselves when Redis is back.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900, minimum=30)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60 if CELERY_TASK_TIME_LIMIT > 90 else None
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
# django-celery-beat's database scheduler, recording its tick for /health (gamedjinn/beat.py).
CELERY_BEAT_SCHEDULER = "gamedjinn.beat:Scheduler"
CELERY_TIMEZONE = "UTC"
SYNC_SCHEDULER_INTERVAL_SECONDS = env_int("SYNC_SCHEDULER_INTERVAL_SECONDS", 300, minimum=30)
# A running sync whose worker has not beaten for this long is handed to a new task. Its holder beats
# four times per window (libraries.progress) and the sweep runs four times per window, so a dead
# worker's run resumes between 0.75 and 1.25 windows after its last beat.
SYNC_STALE_AFTER_SECONDS = env_int("SYNC_STALE_AFTER_SECONDS", 60, minimum=1)
SYNC_RECOVERY_INTERVAL_SECONDS = max(SYNC_STALE_AFTER_SECONDS / 4, 1.0)
RESEND_UNSENT_RUNS_SECONDS = 15
CELERY_BEAT_SCHEDULE = {
    "enqueue-due-syncs": {
        "task": "libraries.tasks.enqueue_due_syncs",
        "schedule": SYNC_SCHEDULER_INTERVAL_SECONDS,
        # A backlog of scheduler ticks is worthless; drop one that could not run before the next.
        "options": {"expires": max(SYNC_SCHEDULER_INTERVAL_SECONDS - 30, 15)},
    },
    "recover-sync-runs": {
        "task": "libraries.tasks.recover_sync_runs",
        "schedule": SYNC_RECOVERY_INTERVAL_SECONDS,
        "options": {"expires": SYNC_RECOVERY_INTERVAL_SECONDS},
    },
    # Runs requested or parked while Redis was down go out seconds after it is back, instead
    # of waiting for the stale sweep above; the query is one indexed lookup.
    "resend-unsent-syncs": {
        "task": "libraries.tasks.resend_unsent_runs",
        "schedule": RESEND_UNSENT_RUNS_SECONDS,
        "options": {"expires": RESEND_UNSENT_RUNS_SECONDS},
    },
    "heartbeat": {
        "task": "gamedjinn.tasks.heartbeat",
        "schedule": 60,
        "options": {"expires": 50},
    },
}

# --- Auth ------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    *(["gamedjinn.auth.ExistingRemoteUserBackend"] if AUTH_REMOTE_USER_HEADER else []),
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "gamedjinn.auth.ClosedSignupAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ADMIN_EMAIL = env_str("ADMIN_EMAIL")
ADMIN_PASSWORD = env_str("ADMIN_PASSWORD")
ADMIN_USERNAME = env_str("ADMIN_USERNAME", "admin")

# --- Mail (password resets) -------------------------------------------------------------------------
# Without EMAIL_URL, messages are written to DATA_DIR/outbox: a reset never fails for want of a
# mail server, and the admin can read the link there.
_mail = env_email("EMAIL_URL", DATA_DIR)
EMAIL_BACKEND = _mail.backend
if _mail.file_path is not None:
    _mail.file_path.mkdir(mode=0o700, exist_ok=True)  # reset links are secrets
    EMAIL_FILE_PATH = str(_mail.file_path)
EMAIL_HOST = _mail.host or "localhost"
EMAIL_PORT = _mail.port or 25
EMAIL_HOST_USER = _mail.user
EMAIL_HOST_PASSWORD = _mail.password
EMAIL_USE_TLS = _mail.use_tls
EMAIL_USE_SSL = _mail.use_ssl
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Game Djinn <noreply@{PUBLIC_HOST}>")

# --- Security ----------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PUBLIC_IS_HTTPS
CSRF_COOKIE_SECURE = PUBLIC_IS_HTTPS
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from here, plus the one inline script that
# carries the request's nonce, and no eval (htmx runs with allowEval off). Inline style attributes
# stay allowed: they cannot run code. Cover art comes from the stores' CDNs over https.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "https:"],
        "connect-src": [csp.SELF],  # includes this origin's ws:// and wss:// (CSP level 3)
        "font-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PUBLIC_IS_HTTPS:
    # TLS ends at the reverse proxy in front of us; it tells us the original scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
else:
    # Plain HTTP on a home LAN is a deliberate choice here: HTTPS-only settings would lock the user out.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

# --- Static files and i18n ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Platforms -------------------------------------------------------------------------------------------
# Each store declares its own settings (endpoints, limits, a server-wide key) in its folder's SPEC.
for _spec in integrations_by_code().values():
    for _setting in _spec.settings:
        globals()[_setting.name] = read_setting(_setting)
METADATA_STALE_DAYS = env_int("METADATA_STALE_DAYS", 30, minimum=1)
# The largest library file (a GOG Galaxy database, an export) an upload may bring.
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 512, minimum=1)
# Retries of every store's HTTP calls: full-jitter backoff from BASE, capped at CAP, at most
# ATTEMPTS tries within BUDGET seconds before a run is parked.
HTTP_RETRY_ATTEMPTS = env_int("HTTP_RETRY_ATTEMPTS", 5, minimum=1)
HTTP_RETRY_BASE_SECONDS = env_float("HTTP_RETRY_BASE_SECONDS", 1.0, minimum=0.0)
HTTP_RETRY_CAP_SECONDS = env_float("HTTP_RETRY_CAP_SECONDS", 60.0, minimum=0.0)
HTTP_RETRY_BUDGET_SECONDS = env_float("HTTP_RETRY_BUDGET_SECONDS", 600.0, minimum=0.0)
# Which source's metadata a game shows when several stores describe it; the user's edits win.
# The stores first (they know their own releases best), then the metadata sources: HowLongToBeat
# only says how long a game takes, so it sits before IGDB to win that one field.
METADATA_SOURCE_PRIORITY = env_list(
    "METADATA_SOURCE_PRIORITY",
    ["steam", "gog", "epic", "playstation", "xbox", "galaxy", "hltb", "igdb"],
)

# --- Metadata sources beyond the stores (docs/metadata.md) ------------------------------------------------
# IGDB, through a Twitch application's client credentials; both empty = IGDB is not used.
IGDB_CLIENT_ID = env_str("IGDB_CLIENT_ID")
IGDB_CLIENT_SECRET = env_str("IGDB_CLIENT_SECRET")
IGDB_API_URL = env_url("IGDB_API_URL", "https://api.igdb.com/v4")
IGDB_TOKEN_URL = env_url("IGDB_TOKEN_URL", "https://id.twitch.tv/oauth2/token")
IGDB_RATE_LIMIT = env_rate_limit("IGDB_RATE_LIMIT", "4/1")
IGDB_HTTP_TIMEOUT = env_float("IGDB_HTTP_TIMEOUT", 10.0, minimum=0.1)
# HowLongToBeat has no API and moves its search endpoint; off unless HLTB_URL is set.
HLTB_URL = env_url("HLTB_URL", "")
HLTB_SEARCH_PATH = env_str("HLTB_SEARCH_PATH", "/api/search")
HLTB_RATE_LIMIT = env_rate_limit("HLTB_RATE_LIMIT", "1/1")
HLTB_HTTP_TIMEOUT = env_float("HLTB_HTTP_TIMEOUT", 10.0, minimum=0.1)
# Releases looked up per batch (one saved step of the metadata task).
METADATA_BATCH_SIZE = env_int("METADATA_BATCH_SIZE", 50, minimum=1, maximum=500)

# --- MCP and assistant ------------------------------------------------------------------------------------
MCP_API_KEY = env_str("MCP_API_KEY")
# Requests per seconds one API key (or one signed-in user on the REST API) may make.
API_RATE_LIMIT = env_rate_limit("API_RATE_LIMIT", "600/60")
OLLAMA_URL = env_url("OLLAMA_URL", "http://127.0.0.1:11434")
OLLAMA_MODEL = env_str("OLLAMA_MODEL", "qwen3:8b")
OLLAMA_TIMEOUT = env_float("OLLAMA_TIMEOUT", 120.0, minimum=1.0)
OLLAMA_CONTEXT_TOKENS = env_int("OLLAMA_CONTEXT_TOKENS", 12288, minimum=4096)
OLLAMA_KEEP_ALIVE = env_str("OLLAMA_KEEP_ALIVE", "30m")

# --- Logging ------------------------------------------------------------------------------------------------
LOG_LEVEL = env_choice(
    "LOG_LEVEL", "info", {"debug", "info", "warning", "error", "critical"}
).upper()
LOG_FORMAT = env_choice("LOG_FORMAT", "text", {"text", "json"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "gamedjinn.logging.RedactSecretsFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "gamedjinn.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}
logging.captureWarnings(True)
