"""Django settings, driven by the environment.

The embedded default (no variables at all) runs on SQLite under ``var/`` with an in-memory
channel layer; production sets DATABASE_URL, REDIS_URL, RENDA_SECRET_KEY, RENDA_DATA_KEY and
RENDA_PRODUCTION=1.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent  # src/renda
PROJECT_DIR = Path(os.environ.get("RENDA_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("RENDA_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("RENDA_PRODUCTION", "") == "1"
TESTING = os.environ.get("RENDA_TESTING", "") == "1"


def _dev_secret(name: str, nbytes: int) -> str:
    """A generated secret kept under var/ for the embedded default; never committed."""
    path = VAR_DIR / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION and not (os.environ.get("RENDA_SECRET_KEY") and os.environ.get("RENDA_DATA_KEY")):
    # Several workers (and machines) must share the keys: a key generated per machine would make
    # sessions and encrypted ID/phone numbers unreadable elsewhere.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "RENDA_PRODUCTION=1 needs RENDA_SECRET_KEY and RENDA_DATA_KEY in the environment"
    )
SECRET_KEY = os.environ.get("RENDA_SECRET_KEY") or _dev_secret("secret_key", 32)
# 32 bytes hex: 16 for SM4-GCM field encryption, 16 for the HMAC blind index.
DATA_KEY = os.environ.get("RENDA_DATA_KEY") or _dev_secret("data_key", 32)

DEBUG = os.environ.get("RENDA_DEBUG", "" if PRODUCTION else "1") == "1" and not TESTING
ALLOWED_HOSTS = [
    h for h in os.environ.get("RENDA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("RENDA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Renda's apps first: their translations and templates take precedence over Django's
# (e.g. 'Log out' is 退出登录 here, 注销 in django.contrib.admin).
INSTALLED_APPS = [
    "renda.core",
    "renda.org",
    "renda.meetings",
    "renda.budget",
    "renda.suggestions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "ninja",  # serves the API docs' JS from our own static files instead of a CDN
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "renda.core.middleware.PermissionDeclaredMiddleware",
]

ROOT_URLCONF = "renda.urls"
ASGI_APPLICATION = "renda.asgi.application"
WSGI_APPLICATION = "renda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "renda.core.context_processors.renda",
            ],
            "builtins": ["renda.core.templatetags.renda"],
        },
    }
]

# --- database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Under ASGI each request runs on its own thread, so Django's persistent connections would be
    # left to the garbage collector; Django's docs say to use the driver's pool instead.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        # the live pages' reader and writer threads keep five; the rest serve requests and tasks
        "max_size": int(os.environ.get("RENDA_DB_POOL_MAX", "20")),
        "timeout": 10,
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "renda.sqlite3"),
            # WAL and a busy timeout let the server and the task worker share the file.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Keep connections: opening one (file, WAL pragmas) per WebSocket handshake cost more
            # than the handshake's queries.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and channel layer ------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis with a blocking pool: a burst of thousands of group joins/leaves waits
            # for one of 64 connections per worker instead of failing (MaxConnectionsError).
            "BACKEND": "renda.meetings.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": 64,
                        "timeout": 20,  # seconds to wait for a free connection
                        # redis-py's default read timeout (5 s) equals channels_redis's BZPOPMIN
                        # timeout, so an idle receive could fail with TimeoutError: read longer.
                        "socket_timeout": 15,
                        "socket_connect_timeout": 5,
                        "socket_keepalive": True,
                    }
                ],
                # Messages waiting per channel key; a worker's pages share one key, and a broadcast
                # is one message per worker whatever the number of pages.
                "capacity": 1000,
                "expiry": 10,  # a live state older than this is useless; pages resync on reconnect
                "group_expiry": 86400,  # screens and consoles stay in their groups all day
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {
        # Channels' in-memory layer with an O(1) receive (see renda.meetings.layers).
        "default": {"BACKEND": "renda.meetings.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background tasks -------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING and os.environ.get("RENDA_TASKS_DB", "") != "1"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:login"

AXES_FAILURE_LIMIT = int(os.environ.get("RENDA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("RENDA_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Everything is served by the platform itself: no outside host in any directive.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Simplified Chinese only, whatever the browser asks for. A bilingual congress adds its second
# language here (RENDA_EXTRA_LANGUAGES=ug,bo) and drops a catalogue per app; no code changes.
LANGUAGES = [("zh-hans", "简体中文")] + [
    (code, code) for code in os.environ.get("RENDA_EXTRA_LANGUAGES", "").split(",") if code.strip()
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/ directory

# --- static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- notifications ----------------------------------------------------------------------
RENDA_OUTBOUND_BACKEND = os.environ.get("RENDA_OUTBOUND_BACKEND", "renda.core.outbound.LogBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"renda": {"level": "INFO"}, "django_tasks": {"level": "WARNING"}},
}
