"""Partner Portal settings, read from the environment (12-factor).

With nothing set, the portal runs on the embedded default: SQLite under ``var/``, Celery tasks
executed eagerly, an in-memory cache and mail written as files under ``var/mail/``. Production
strictness follows ``DEBUG=False``.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

EMBEDDED_SECRET_KEY = "embedded-default-secret-key-do-not-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=EMBEDDED_SECRET_KEY)
if not DEBUG and (SECRET_KEY == EMBEDDED_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_celery_beat",
    "csp",
    "django_countries",
    "portal",
    "directory",
    "groups",
    "moderation",
    "collaboration",
    "deals",
    "digests",
    "analytics",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session: a NUL anywhere in the request (even the session cookie) answers 400.
    "portal.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware: cookie, then Accept-Language (docs' order).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A signed-in member's profile language beats the cookie and Accept-Language.
    "portal.middleware.ProfileLanguageMiddleware",
    # ...and its time zone is the one its dates and times are shown in.
    "portal.middleware.ProfileTimeZoneMiddleware",
    # Program staff and company admins without a second factor may only enrol (portal/mfa.py).
    "portal.middleware.MfaEnrolmentRequiredMiddleware",
    # NotFound / NotPermitted from selectors and services answer 404 / 403 (portal/errors.py).
    "portal.errors.DomainErrorsMiddleware",
    # Turns django-ratelimit refusals into RATELIMIT_VIEW's friendly 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "home.context_processors.navigation",
                "portal.mfa.enrolment_notice",
            ],
        },
    },
]

# Database: PostgreSQL is the real target; SQLite under var/ is the embedded default.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    # Session settings of the portal's connections, after any options DATABASE_URL gives (a
    # setting given there is kept):
    # - no JIT compiling: the portal's queries are short, and a plan the planner costs high (at
    #   1,000,000 companies, a search ranking 2,000 matches) spent ~190 ms compiling for ~30 ms
    #   of work;
    # - work_mem 16MB, where PostgreSQL's default is 4MB: the directory's filters intersect
    #   bitmaps of hundreds of thousands of rows, which past 4MB turn lossy, and each lossy page
    #   is read whole (at 1,000,000 companies, three facets: 12,227 pages read for 2,002
    #   matches, 194 ms; exact, 2,002 pages, 45 ms).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _given = _options.get("options", "")
    _session = {"jit": "off", "work_mem": "16MB"}
    _options["options"] = " ".join(
        [
            _given,
            *(
                f"-c {name}={value}"
                for name, value in _session.items()
                if not re.search(rf"(^|[\s-]){name}=", _given)
            ),
        ]
    ).strip()
if not USING_POSTGRES:
    VAR_DIR.mkdir(exist_ok=True)
    # Covering indexes (INCLUDE) are a PostgreSQL feature; SQLite builds them without the extras.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and broker: Redis when REDIS_URL is set, memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if "CACHE_URL" in env:
    CACHES = {"default": env.cache("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A Redis cache serves from process memory while Redis is unreachable, with short timeouts
# (portal/cache.py): pages answer from the database and rate limits count per process.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "portal.cache.FallbackRedisCache"

# Sessions live in the database (web processes stay stateless); Django writes a session
# row only when something is stored in it, so anonymous browsing writes nothing.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email login, mandatory verification, rate limits, no enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Signup also asks for the display name; see portal/forms.py and portal/adapters.py.
ACCOUNT_FORMS = {"signup": "portal.forms.SignupForm"}
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# The link in the confirmation mail confirms on GET and signs in at once, then the first
# sign-in lands on the onboarding page (ONBOARDING_URL). Safe because allauth signs in only
# the browser that holds the signup session: a mail scanner or anyone else who opens the link
# merely confirms the address (which the mail reaching that mailbox already proves), gets no
# session, and a link opened while signed in as someone else signs that account out first.
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ONBOARDING_URL = "onboarding"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Partner Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# Security notifications: password and email changes, and allauth.mfa's own mails when an
# authenticator app or security key is added or removed or recovery codes are regenerated.
ACCOUNT_EMAIL_NOTIFICATIONS = True

# Two-factor authentication with allauth.mfa: an authenticator app (TOTP), security keys and
# passkeys (WebAuthn), and recovery codes. Wrong codes count against ACCOUNT_RATE_LIMITS'
# "login_failed" per account (the sixth wrong code within five minutes is refused, the right one
# too), and allauth refuses a TOTP code used once already.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Partner Portal"
# The code of the 30-second step before or after also counts (RFC 6238's advice for clock drift).
MFA_TOTP_TOLERANCE = 1
# Recovery codes are shown once, right after they are made; then only how many are left.
MFA_RECOVERY_CODES_SHOW_ONCE = True
# WebAuthn only over https, except for local development on http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# Who must enrol before using the portal: names of roles registered in portal/mfa.py ("staff"
# is program staff; directory adds "company_admin"). An empty list makes it optional for all.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["staff", "company_admin"])

# django-ratelimit guards posting and flagging; a refused request gets a friendly 429 page.
RATELIMIT_VIEW = "portal.ratelimits.rate_limited"
RATELIMIT_USE_CACHE = "default"

# A form refused by CSRF protection gets a page in the portal's layout and the reader's language.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# Languages: the member's profile setting first (portal.middleware.ProfileLanguageMiddleware), then
# the language cookie the footer switcher sets, then Accept-Language. URLs carry no language prefix.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
# A visitor's switcher choice outlasts the browser session, like any site's language choice.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": env.str("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
    }

# Mail: files under var/mail/ by default; EMAIL_URL=smtp://host:port in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail:///{VAR_DIR / 'mail'}")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "localhost")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partner Portal <portal@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery broker: RabbitMQ in production (BROKER_URL=amqp://...): it hands a dead worker's
# unacknowledged tasks to the next worker as soon as the connection drops, where Redis waits for
# the visibility timeout. Redis (REDIS_URL) stays the embedded-friendly option. With neither,
# tasks run eagerly in-process. Celery itself prefers CELERY_BROKER_URL, so it wins here too.
CELERY_BROKER_URL = (
    env.str("CELERY_BROKER_URL", default="")
    or env.str("BROKER_URL", default="")
    or REDIS_URL
    or "memory://"
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Redis only: longer than the longest task, so an unacknowledged task is not redelivered while
# it runs (RabbitMQ redelivers on connection loss and ignores it).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead or hung broker must not hold a web request: short timeouts and one publish retry (a
# connection dropped by a broker restart needs one reconnect). What could not be queued waits
# in the database for the periodic sweep (moderation.tasks.screen_waiting_posts).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # kombu's Redis transport waits forever by default. A live Redis answers well within these
    # timeouts and the worker's BRPOP returns sooner too, so they only ever cut a dead connection.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "expire-competency-claims": {
        "task": "directory.tasks.competency_claims_expire",
        "schedule": crontab(hour=2, minute=7),
    },
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "screen-waiting-posts": {
        "task": "moderation.tasks.screen_waiting_posts",
        "schedule": timedelta(minutes=2),
    },
    # Hourly: whoever's local time has reached DIGEST_SEND_HOUR (on Mondays for weekly digests)
    # is due.
    "send-due-digests": {
        "task": "digests.tasks.send_due_digests",
        "schedule": crontab(minute=0),
    },
    "notify-moderators": {
        "task": "moderation.tasks.notify_moderators",
        "schedule": timedelta(minutes=10),
    },
    "refresh-deal-rollup": {
        "task": "analytics.tasks.deal_rollup_refresh_recent",
        "schedule": timedelta(minutes=10),
    },
    "rebuild-deal-rollup": {
        "task": "analytics.tasks.deal_rollup_rebuild",
        "schedule": crontab(hour=4, minute=3),
    },
    "compute-partner-scorecards": {
        "task": "analytics.tasks.scorecards_compute",
        "schedule": crontab(hour=4, minute=23),
    },
    "expire-deal-registrations": {
        "task": "deals.tasks.deals_expire",
        "schedule": crontab(minute=5),
    },
    "remind-deal-registrations": {
        "task": "deals.tasks.deals_remind",
        "schedule": crontab(minute=35),
    },
    # New submissions: one digest an hour to program staff, not one email each.
    "digest-deal-registrations-for-staff": {
        "task": "deals.tasks.deals_staff_digest",
        "schedule": crontab(minute=50),
    },
    "escalate-overdue-moderation-items": {
        "task": "moderation.tasks.escalate_overdue_items",
        "schedule": timedelta(minutes=15),
    },
    # Unanswered referral invitations: a reminder, then an escalation, each exactly once.
    "follow-up-referral-invitations": {
        "task": "collaboration.tasks.referral_invitations_follow_up",
        "schedule": timedelta(minutes=30),
    },
}

# Moderation: queue items waiting longer than this escalate to program staff.
MODERATION_ESCALATE_AFTER = timedelta(
    hours=env.float("MODERATION_ESCALATE_AFTER_HOURS", default=24)
)

# Referral invitations: business days (Monday to Friday, in TIME_ZONE) an invitation may wait for an
# answer before the receiving company is reminded, and before program staff are told.
REFERRAL_REMIND_AFTER_BUSINESS_DAYS = env.int("REFERRAL_REMIND_AFTER_BUSINESS_DAYS", default=3)
REFERRAL_ESCALATE_AFTER_BUSINESS_DAYS = env.int("REFERRAL_ESCALATE_AFTER_BUSINESS_DAYS", default=7)

# Deal registration: how long an approved registration protects its customer for the company,
# and how many days before the end the company is reminded (each reminder goes once).
DEAL_PROTECTION_DAYS = env.int("DEAL_PROTECTION_DAYS", default=90)
DEAL_REMINDER_DAYS = (14, 3)
# The program's reporting currency: scorecard points count won value in this currency only;
# won value in other currencies is shown beside it, never converted or added in.
PROGRAM_CURRENCY = env.str("PROGRAM_CURRENCY", default="USD").strip().upper()
if not (len(PROGRAM_CURRENCY) == 3 and PROGRAM_CURRENCY.isalpha()):
    raise ImproperlyConfigured("PROGRAM_CURRENCY must be a three-letter currency code, e.g. USD.")
# Attribution: community activity this many days before a registration counts as influence.
DEAL_INFLUENCE_WINDOW_DAYS = 90

# Digests: due from this local hour (Mondays for weekly ones), members per batch task, and how
# long the signed unsubscribe / preferences links in a digest keep working.
DIGEST_SEND_HOUR = env.int("DIGEST_SEND_HOUR", default=7)
DIGEST_BATCH_SIZE = env.int("DIGEST_BATCH_SIZE", default=500)
DIGEST_TOKEN_MAX_AGE = int(timedelta(days=90).total_seconds())

# Directory "best match" ranking: points a result earns, stated on /directory/about/ranking/
# and in docs/search-ranking.md (directory/ranking.py reads and checks them). Program staff tune
# them here, or with DIRECTORY_RANKING as JSON naming only the weights to change, e.g.
# DIRECTORY_RANKING='{"name": 50, "tier": {"gold": 20}}'.
DIRECTORY_RANKING = {
    # A search word found in ... (each field counts once, however many words it holds)
    "name": 40,
    "verified_competency": 30,  # a competency the program verified
    "competency": 20,  # a self-declared competency, or a tag
    "offering": 10,  # a public product or service
    "description": 5,
    # What the listing is worth, whatever the words:
    "tier": {"gold": 12, "certified": 6, "registered": 0},
    "rating": 3,  # per star of the average rating (unrated: 0)
    "completeness": 10,  # for a complete profile, in proportion
}
for _name, _value in env.json("DIRECTORY_RANKING", default={}).items():
    if isinstance(_value, dict):
        DIRECTORY_RANKING[_name] = {**DIRECTORY_RANKING.get(_name, {}), **_value}
    else:
        DIRECTORY_RANKING[_name] = _value

# Django REST framework and the OpenAPI document.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "portal.ratelimits.MemberRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="60/minute"),
        "user": env.str("API_USER_RATE", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner Portal API",
    "DESCRIPTION": "The partner directory as JSON.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Security headers on every response.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

HEALTHZ_BROKER_TIMEOUT = timedelta(seconds=2).total_seconds()

# --- Single sign-on (the sso app; docs/sso.md) -----------------------------------------------
# Companies' OpenID Connect identity providers are allauth SocialApps made by the sso app; the
# vendor's own staff IdP comes from the environment. Kept in one block, apart from the rest.
INSTALLED_APPS += [
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # SAML 2.0 (python3-saml over xmlsec): a company's connection may use either protocol.
    "allauth.socialaccount.providers.saml",
    "sso",
]
MIDDLEWARE += ["sso.middleware.HostHeaderMiddleware"]
SOCIALACCOUNT_ADAPTER = "sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# Existing accounts are matched by email only where sso.adapters allows (the IdP's own
# domains, verified by it); then the social account is connected to them.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SOCIALACCOUNT_REQUESTS_TIMEOUT", default=5)
# Password sign-in, reset and signup refuse the domains whose company switched passwords off.
ACCOUNT_FORMS = {
    **ACCOUNT_FORMS,
    "login": "sso.forms.LoginForm",
    "reset_password": "sso.forms.ResetPasswordForm",
    "signup": "sso.forms.SignupForm",
}
# The portal fetches what a company admin names (an issuer's discovery document, SAML metadata):
# an identity provider on this machine (http://localhost, 127.0.0.1) is accepted only in
# development and in the test suite, whose providers listen on loopback.
SSO_ALLOW_LOOPBACK_IDP = env.bool("SSO_ALLOW_LOOPBACK_IDP", default=DEBUG)
STAFF_OIDC_ISSUER = env.str("STAFF_OIDC_ISSUER", default="")
STAFF_OIDC_CLIENT_ID = env.str("STAFF_OIDC_CLIENT_ID", default="")
STAFF_OIDC_CLIENT_SECRET = env.str("STAFF_OIDC_CLIENT_SECRET", default="")
STAFF_OIDC_EMAIL_DOMAIN = env.str("STAFF_OIDC_EMAIL_DOMAIN", default="").lower()
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
if STAFF_OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "vendor-staff",
            "name": env.str("STAFF_OIDC_NAME", default="Program staff sign-in"),
            "client_id": STAFF_OIDC_CLIENT_ID,
            "secret": STAFF_OIDC_CLIENT_SECRET,
            "settings": {"server_url": STAFF_OIDC_ISSUER, "oauth_pkce_enabled": True},
        }
    )
