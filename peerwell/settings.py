"""Peerwell's one settings module: every deploy-time value comes from the environment.

PEERWELL_ENV chooses the defaults: "development" (the default, what `make demo` runs),
"test" (what the test suite runs) or "production" (every secret must be given, HTTPS only).
"""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("PEERWELL_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("PEERWELL_VAR", BASE_DIR / "var")).resolve()

PEERWELL_ENV = os.environ.get("PEERWELL_ENV", "development")
if PEERWELL_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("PEERWELL_ENV must be development, test or production")
PRODUCTION = PEERWELL_ENV == "production"


def env(name: str, default: str | None = None) -> str | None:
    """A value from NAME, or from the file named by NAME_FILE (for secrets), or default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def _development_secret(file_name: str, make) -> str:
    """Generate a secret once into var/ so development restarts keep sessions and data."""
    path = VAR_DIR / file_name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _required_in_production(name: str, file_name: str, make) -> str:
    value = env(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set in production")
    return _development_secret(file_name, make)


DEBUG = env_bool("DEBUG", PEERWELL_ENV == "development")

SECRET_KEY = _required_in_production("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# Field encryption keys, newest first: "kid:base64key,kid:base64key" (32-byte AES keys).
PEERWELL_DATA_KEYS = _required_in_production(
    "PEERWELL_DATA_KEYS",
    "data_keys",
    lambda: "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "peerwell.core",
    "peerwell.accounts",
    "peerwell.audit",
    "peerwell.workforce",
    "peerwell.participants",
    "peerwell.notes",
    "peerwell.matching",
    "peerwell.scheduling",
    "django_tasks_db",
]

MIDDLEWARE = [
    "peerwell.audit.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "peerwell.accounts.middleware.MembershipMiddleware",
    "peerwell.accounts.middleware.UserPreferencesMiddleware",
    "peerwell.accounts.middleware.IdleTimeoutMiddleware",
    "peerwell.accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerwell.urls"
ASGI_APPLICATION = "peerwell.asgi.application"
WSGI_APPLICATION = "peerwell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerwell.accounts.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'peerwell.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_SIZE:
    # Under ASGI each request runs on a thread of its own, so persistent connections are
    # never reused; a pool hands one back in microseconds instead of a new PostgreSQL backend.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Django's SQLite with a pool of open connections, for the same reason as PostgreSQL's.
    DATABASES["default"]["ENGINE"] = "peerwell.core.sqlite_pool"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": DATABASE_POOL_SIZE,
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
        # failing with "database is locked" when it upgrades a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: an in-memory database shared between threads locks whole
    # tables instead of waiting, which is not how the real database behaves.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, reading what each request needs of the account in one query.
    "peerwell.accounts.auth.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# Lockout (django-axes): an account and an address are each locked on their own.
AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # the audit trail records sign-ins; axes keeps only failures
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "peerwell.accounts.auth.lockout_username"
# The same address the audit trail records: canonical, or None when it is not an address.
AXES_CLIENT_IP_CALLABLE = "peerwell.audit.middleware.client_ip"

OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Peerwell")
PEERWELL_RECOVERY_CODES = 10

# Idle timeout when an organization sets none; each organization may set its own.
PEERWELL_IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 15)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# Extra scope-guard rule files of an organization's own, comma-separated (docs/scope-guard.md).
PEERWELL_SCOPE_RULES = env("PEERWELL_SCOPE_RULES", "")
# The scope guard's classifier beside the rules: on by default; a model file an organization
# trained with `peerwell scope train --out` replaces the shipped one.
PEERWELL_SCOPE_CLASSIFIER = env_bool("PEERWELL_SCOPE_CLASSIFIER", True)
PEERWELL_SCOPE_MODEL = env("PEERWELL_SCOPE_MODEL", "")

# Emails sent at a visitor's request to an address they typed (sign-up, password reset):
# at most this many an hour to one address, and from one client address.
PEERWELL_EMAIL_RATE_PER_ADDRESS = env("PEERWELL_EMAIL_RATE_PER_ADDRESS", "3/h")
PEERWELL_EMAIL_RATE_PER_CLIENT = env("PEERWELL_EMAIL_RATE_PER_CLIENT", "20/h")

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Messages can name people; keep them server-side, not in a signed (readable) cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A signed-in person's language is their preference (UserPreferencesMiddleware); before
# signing in, the language switcher's cookie, else the browser's Accept-Language
# (LocaleMiddleware). Catalogs: peerwell/locale/LANG/LC_MESSAGES/django.po, `make messages`.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
# Front-end packages come from npm (`npm ci` beside pyproject.toml); collectstatic copies
# them into STATIC_ROOT for production, so only the build needs node_modules.
NODE_MODULES = Path(env("PEERWELL_NODE_MODULES", str(PACKAGE_DIR.parent / "node_modules")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if (NODE_MODULES / "htmx.org").is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"))
# Uploaded files (specialists' photos). Served only through views that ask the policy
# module, never as a public directory.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
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

# Email: "smtp" in production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS), "file" (under var/mail/) in development, or a backend's dotted path.
EMAIL_KIND = env("EMAIL_BACKEND", "smtp" if PRODUCTION else "file")
MAILER_KINDS = {
    "smtp": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": env_int("EMAIL_TIMEOUT", 20),
        },
    },
    "file": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    },
}
MAILERS = {"default": MAILER_KINDS.get(EMAIL_KIND) or {"BACKEND": EMAIL_KIND}}
# Text messages: "file" (under var/sms/) in development, a provider backend's dotted path in
# production (none is configured by default, so sending fails loudly rather than silently).
SMS_KIND = env("SMS_BACKEND", "disabled" if PRODUCTION else "file")
PEERWELL_SMS_BACKEND = {
    "file": "peerwell.core.sms.FileBackend",
    "disabled": "peerwell.core.sms.DisabledBackend",
}.get(SMS_KIND, SMS_KIND)
PEERWELL_SMS_DIR = env("SMS_DIR", str(VAR_DIR / "sms"))

# Links in messages sent by background tasks, which have no request to take the host from.
PEERWELL_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background tasks (reminders, confirmations) wait in the database for `peerwell db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Peerwell <no-reply@peerwell.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs usernames and addresses; the audit trail already holds what is needed.
        "axes": {"level": "WARNING"},
        # httpx (benchmarks, tests) logs every request at INFO.
        "httpx": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "peerwell.core.errors.csrf_failure"
