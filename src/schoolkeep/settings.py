"""Schoolkeep settings: one file, driven by the environment, failing closed.

Production is the default. Development (``SCHOOLKEEP_ENV=development``) generates its
secrets once in the data directory; production refuses to start without them.
"""

from __future__ import annotations

import os
from pathlib import Path

from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

from schoolkeep.lib.env import (
    MAKE_SECRET_KEY,
    base_url_problem,
    env_bool,
    env_list,
    env_secret,
    load_or_create_dev_secrets,
    parse_database_url,
    parse_email_url,
    parse_encryption_keys,
    running_code_only_command,
    throwaway_secrets,
    weak_secret_key_reason,
)

BASE_DIR = Path(__file__).resolve().parent

SCHOOLKEEP_ENV = os.environ.get("SCHOOLKEEP_ENV", "production")
if SCHOOLKEEP_ENV not in ("production", "development"):
    raise ImproperlyConfigured("SCHOOLKEEP_ENV must be 'production' or 'development'.")
DEVELOPMENT = SCHOOLKEEP_ENV == "development"
PRODUCTION = not DEVELOPMENT

DATA_DIR = Path(os.environ.get("SCHOOLKEEP_DATA_DIR", "var")).resolve()
UPLOADS_DIR = DATA_DIR / "uploads"

# Debug pages show stack traces: only on request, and never in production.
DEBUG = DEVELOPMENT and env_bool("SCHOOLKEEP_DEBUG", default=False)

# Commands that only read the code (``makemigrations --check`` on a build machine) need no
# secrets, address or mail server: they get throwaway values that are never stored.
CODE_ONLY = PRODUCTION and running_code_only_command()

_secret = env_secret("SCHOOLKEEP_SECRET_KEY")
_keys = env_secret("SCHOOLKEEP_ENCRYPTION_KEYS")
if CODE_ONLY and not (_secret and _keys):
    _secret, _keys = throwaway_secrets()
if not (_secret and _keys):
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SCHOOLKEEP_SECRET_KEY and SCHOOLKEEP_ENCRYPTION_KEYS are required in production "
            "(see docs/deploy.md)."
        )
    generated = load_or_create_dev_secrets(DATA_DIR)
    _secret = _secret or generated["secret_key"]
    _keys = _keys or generated["encryption_keys"]
# A weak key would sign sessions and links that others could forge: refused, not warned of.
_weak = weak_secret_key_reason(_secret) if PRODUCTION else None
if _weak:
    raise ImproperlyConfigured(f"SCHOOLKEEP_SECRET_KEY {_weak}; make one with: {MAKE_SECRET_KEY}")
SECRET_KEY: str = _secret
ENCRYPTION_KEYS: list[str] = parse_encryption_keys(_keys)

ALLOWED_HOSTS = env_list(
    "SCHOOLKEEP_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEVELOPMENT else []
)
BASE_URL = os.environ.get(
    "SCHOOLKEEP_BASE_URL", "http://localhost:8000" if DEVELOPMENT else ""
).rstrip("/")
if PRODUCTION and not BASE_URL and not CODE_ONLY:
    raise ImproperlyConfigured("SCHOOLKEEP_BASE_URL is required in production.")
# With no host allowed, production would answer every request with 400.
if PRODUCTION and not ALLOWED_HOSTS and not CODE_ONLY:
    raise ImproperlyConfigured("SCHOOLKEEP_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL else []

HTTPS = env_bool("SCHOOLKEEP_HTTPS", default=PRODUCTION)
# A malformed address would only show in the links sent, and an http:// one behind HTTPS
# would refuse every form (it is the trusted origin).
_base_url_problem = base_url_problem(BASE_URL, https=HTTPS) if BASE_URL else None
if _base_url_problem:
    raise ImproperlyConfigured(f"SCHOOLKEEP_BASE_URL {_base_url_problem}.")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# HSTS preload is a promise about every subdomain of the school's domain, which the
# operator of one app cannot make: docs/deploy.md explains.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "schoolkeep.accounts",
    "schoolkeep.tenancy",
    "schoolkeep.audit",
    "schoolkeep.duties",
    "schoolkeep.jobs",
    "schoolkeep.throttles",
    "schoolkeep.people",
    "schoolkeep.systems",
    "schoolkeep.assets",
    "schoolkeep.agreements",
    "schoolkeep.incidents",
    "schoolkeep.backups",
    "schoolkeep.access",
    "schoolkeep.passwords",
    "schoolkeep.leavers",
    "schoolkeep.equipment",
    "schoolkeep.transfers",
    "schoolkeep.continuity",
    "schoolkeep.compliance",
    "schoolkeep.inforequests",
    "schoolkeep.privacy",
    "schoolkeep.training",
    "schoolkeep.housekeeping",
    "schoolkeep.overview",
    "schoolkeep.demo",
    "schoolkeep.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "schoolkeep.lib.request_id.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # API text holding a NUL: a 422 naming the field (PostgreSQL cannot store it).
    "schoolkeep.api.nul.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A kiosk session (a reception tablet) reaches only the kiosk's own pages.
    "schoolkeep.agreements.signing.kiosk.middleware.KioskMiddleware",
    "schoolkeep.tenancy.middleware.CurrentSchoolMiddleware",
    # After the school is resolved: the idle timeout is the strictest of the user's schools.
    "schoolkeep.accounts.middleware.SessionLimitsMiddleware",
    "schoolkeep.accounts.middleware.RequireTwoFactorMiddleware",
    "schoolkeep.lib.headers.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "schoolkeep.urls"
WSGI_APPLICATION = "schoolkeep.wsgi.application"

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
                "csp.context_processors.nonce",
                "schoolkeep.tenancy.context_processors.tenancy",
            ],
        },
    }
]
FORM_RENDERER = "schoolkeep.lib.forms.FormRenderer"

DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL", ""), sqlite_path=DATA_DIR / "schoolkeep.sqlite3"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "schoolkeep_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"  # the dashboard, or a trust administrator's schools overview

# allauth: e-mail login, no public sign-up, two-factor from allauth.mfa.
ACCOUNT_ADAPTER = "schoolkeep.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# A reset asked for an unknown address gets the same answer as a known one, and no e-mail
# (allauth's "unknown account" mail links to the sign-up page, which Schoolkeep does not have).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# django-axes owns lockout; allauth's own failed-login limit would fire first. That limit
# also guarded second-factor codes, so codes get their own (see accounts/forms.py).
ACCOUNT_RATE_LIMITS = {"login_failed": False}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Schoolkeep: "
# The sign-in form counts each attempt before the password is checked (axes alone let
# parallel guesses past its limit: accounts/lockout.py).
ACCOUNT_FORMS = {"login": "schoolkeep.accounts.forms.SignInForm"}
# Exporting the Single Central Record needs the password again within the last 10 minutes.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 600
MFA_ADAPTER = "schoolkeep.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "schoolkeep.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "schoolkeep.accounts.forms.MFAReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Schoolkeep"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEVELOPMENT
USERSESSIONS_TRACK_ACTIVITY = False

# django-axes: 10 failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# allauth calls authenticate(request, email=..., password=...): the account is "email".
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "schoolkeep.accounts.lockout.lockout_username"  # lower-cases it
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login", "email"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "schoolkeep.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("SCHOOLKEEP_BEHIND_PROXY", default=False) else None

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute lifetime: 12 hours
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
DEFAULT_IDLE_TIMEOUT_MINUTES = 15

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The project's own stylesheet and script (schoolkeep itself is not an installed app).
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": UPLOADS_DIR}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEVELOPMENT

_email = parse_email_url(os.environ.get("SCHOOLKEEP_EMAIL_URL", ""), data_dir=DATA_DIR,
                         required=PRODUCTION and not CODE_ONLY)
globals().update(_email)
DEFAULT_FROM_EMAIL = os.environ.get("SCHOOLKEEP_FROM_EMAIL", "schoolkeep@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "schoolkeep.lib.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain",
                    "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes logs the username on every attempt; we audit instead.
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF (the demo's certificate, each export).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Schoolkeep's own backups as each school sees them (``continuity``): the operator declares
# whether the nightly copy folder (SCHOOLKEEP_BACKUP_COPY_DIR) is off site, offline or
# immutable; Schoolkeep cannot tell from the folder itself.
BACKUP_COPY_OFF_SITE = env_bool("SCHOOLKEEP_BACKUP_COPY_OFF_SITE", default=False)
BACKUP_COPY_OFFLINE = env_bool("SCHOOLKEEP_BACKUP_COPY_OFFLINE", default=False)
BACKUP_COPY_IMMUTABLE = env_bool("SCHOOLKEEP_BACKUP_COPY_IMMUTABLE", default=False)
