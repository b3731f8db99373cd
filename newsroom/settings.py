"""Settings for Newsroom, read from the environment.

Every value has a default that is safe for a developer's machine: an SQLite file
in the project, debug off, local hosts only. Production sets ``DATABASE_URL``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and friends; see the README's "Deployment".
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from common.email_url import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalized = value.strip().lower()
    if normalized in {"1", "true", "yes", "on"}:
        return True
    if normalized in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean such as 1/0 or true/false, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_says_no(name: str) -> bool:
    """The variable is set, to a false value: a decision, not a default."""
    return os.environ.get(name, "").strip() != "" and not env_bool(name, True)


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
# Checks silenced by a deliberate, documented choice (each where its setting is made).
SILENCED_SYSTEM_CHECKS: list[str] = []

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value in production, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`, '
            "or set DEBUG=1 for local development."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    # The same bar as Django's deploy check (security.W009), enforced at start-up.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = os.environ.get("SITE_NAME", "Buna Times")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE", "Independent news from around the world")
# Absolute base URL used where a request is not at hand (feeds, e-mails, demo output).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The publication's own profiles elsewhere (comma-separated URLs), as the Organization's sameAs in JSON-LD.
SITE_SAME_AS = env_list("SITE_SAME_AS", [])

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "audit",
    "accounts",
    "images",
    "pagecache",
    "readership",
    "media_library",
    "authors",
    "articles",
    "live",
    "desk",
    "notifications",
    "coordination",
    "operations",
    # The content API (api/) and the libraries it is built on.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "api",
]

MIDDLEWARE = [
    # First: an unknown Host gets the 400 page before any other code reads the header.
    "newsroom.security.HostValidationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers for the content API only (CORS_URLS_REGEX), answering its preflights.
    "corsheaders.middleware.CorsMiddleware",
    # Header-setting middleware sits outside the page cache, so cached pages get the headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.security.ContentSecurityPolicyMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Outside the page cache, so that cached pages count as read too (readership/counting.py).
    "readership.middleware.ReadershipMiddleware",
    # Before the page cache, which reads the content generation: from the same database as the page.
    "newsroom.replicas.ReplicaMiddleware",
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who is answered, for audit entries written by model signals; then staff pages only for sessions that
    # passed the second factor, and staff sessions that end (idle and maximum age).
    "audit.requests.CurrentRequestMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------


def database_from_url(url: str) -> dict:
    try:
        return dj_database_url.parse(
            url,
            conn_max_age=env_int("CONN_MAX_AGE", 0),
            # A connection kept from an earlier request (CONN_MAX_AGE, or the pool) is checked before
            # it is used, so after a database restart the broken ones are replaced, not handed out.
            conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
        )
    except ValueError as error:  # UnknownSchemeError is a ValueError
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Django can use ({error}); "
            "expected e.g. postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3."
        ) from None


# An empty DATABASE_URL (e.g. `DATABASE_URL= make test`) means "not set".
DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'newsroom.sqlite3'}")
}
# The kind of database DATABASE_URL names, before a backend of our own may stand in for Django's.
_primary_engine = DATABASES["default"]["ENGINE"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an editor saves; the busy timeout makes a
    # concurrent writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Three indexes carry INCLUDE columns so that PostgreSQL answers lists from the index alone.
    # SQLite cannot include columns: Django builds those indexes without them, which is all a
    # development database needs, and would otherwise warn about it at every migrate.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, failing at once for a second after PostgreSQL was found unreachable rather
    # than making every request wait for a timeout (common/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "common.postgresql"
    # How long connecting may take before the request gives up and its reader gets the "back in a
    # moment" page (newsroom/outages.py): without it, an unreachable host (packets dropped, not
    # refused) would hold a worker past gunicorn's timeout, and the reader would get no answer at all.
    # libpq's minimum is 2 seconds. A connect_timeout in DATABASE_URL's query string wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2))
    # psycopg's connection pool: each server process keeps up to DATABASE_POOL_SIZE connections
    # open and lends one to each request, instead of connecting for every request.
    pool_size = env_int("DATABASE_POOL_SIZE", 0)
    if pool_size > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool manages connection lifetime
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": pool_size,
            # A sync worker never waits for a connection another request is using, only for one being
            # opened, which takes milliseconds. Waiting longer means PostgreSQL is away: the reader gets
            # the outage page after a second, not after psycopg's default 30 s (more than gunicorn's
            # worker timeout, so no answer at all).
            "timeout": 1,
            # While PostgreSQL is away, the pool retries with a doubling delay (a minute apart after a
            # few minutes) and lends nothing meanwhile. Giving up each attempt after a second lets the
            # next request start a new one at once, so the site is back within a second or two of
            # the database, however long it was away.
            "reconnect_timeout": 1,
        }

# --- Read replicas (newsroom/replicas.py, README "Read replicas") -------------
# Each URL in DATABASE_REPLICA_URLS becomes an alias (replica1, replica2, ...) set up like the primary.
# Reader pages read from one of them per request; the admin, every write and whoever just wrote use
# the primary. Tests mirror them onto the primary (TEST MIRROR), so the suite needs no replica.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    _replica = {**database_from_url(_url), "TEST": {"MIRROR": "default"}}
    if _replica["ENGINE"] != _primary_engine:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: replica {_number} is not the primary's kind of database.")
    _replica["ENGINE"] = DATABASES["default"]["ENGINE"]  # the same backend (common.postgresql) as the primary
    _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]
# Whoever wrote reads from the primary for this long afterwards (a replica may lag behind it a little).
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5)
# A replica found unreachable is not tried again for this long: its readers use the primary meanwhile.
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt from a locked-out address or for a locked-out username.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes, rules in accounts/lockout.py): LOGIN_FAILURE_LIMIT failed logins (or
# two-factor codes) for one username from one address lock that pair out for LOGIN_LOCKOUT_MINUTES;
# LOGIN_ADDRESS_FAILURE_LIMIT from one address, whatever the usernames, lock the address out. Failures
# for one username from anywhere never lock it out (anyone could then lock the editor out): after
# LOGIN_USERNAME_SLOWDOWN_AFTER of them, its attempts are slowed to one per LOGIN_USERNAME_SLOWDOWN_SECONDS.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address"]  # order read by accounts/lockout.py
AXES_HANDLER = "accounts.lockout.PairAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "common.requests.client_ip"
AXES_VERBOSE = False
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_USERNAME_SLOWDOWN_AFTER = env_int("LOGIN_USERNAME_SLOWDOWN_AFTER", 5)
LOGIN_USERNAME_SLOWDOWN_SECONDS = env_int("LOGIN_USERNAME_SLOWDOWN_SECONDS", 10)
# Shown on the lockout page: whom a locked-out person can ask (they run `manage.py axes_reset_username NAME`).
LOGIN_HELP = os.environ.get(
    "LOGIN_HELP", "Ask an editor or the newsroom's administrator, who can unlock your account at once."
)
# Two-factor sign-in (accounts/two_factor.py): a code from an authenticator app after the password.
# Required for superusers and the groups in TWO_FACTOR_REQUIRED_GROUPS (comma-separated; editors by
# default), or for every staff member with TWO_FACTOR_REQUIRED_FOR_ALL_STAFF=1; optional for the rest.
TWO_FACTOR_REQUIRED_GROUPS = env_list("TWO_FACTOR_REQUIRED_GROUPS", ["Editor"])
TWO_FACTOR_REQUIRED_FOR_ALL_STAFF = env_bool("TWO_FACTOR_REQUIRED_FOR_ALL_STAFF", False)
TWO_FACTOR_RECOVERY_CODES = 10
# How long someone who gave the password has to give the code.
TWO_FACTOR_PENDING_SECONDS = 300
OTP_TOTP_ISSUER = SITE_NAME
# Passkeys (WebAuthn, django-otp-webauthn; accounts/passkeys.py) as a second factor beside the app, never
# instead of the password. A passkey is bound to PASSKEY_RP_ID (a domain: SITE_URL's host unless set) and
# answers only on PASSKEY_ORIGINS (SITE_URL's origin unless set; https, or http://localhost for development).
# Changing the RP ID makes every registered passkey useless, so set it once, to the admin's host.


def passkey_defaults(site_url: str) -> tuple[str, list[str]]:
    """The RP ID and origins a SITE_URL implies: its host on https; on plain http (the local default,
    http://127.0.0.1:8000) browsers allow WebAuthn only on localhost, and an IP address is no RP ID."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host and not host.replace(".", "").isdigit() and ":" not in host:
        return host, [f"https://{parts.netloc}"]
    return "localhost", [f"http://localhost:{parts.port}" if parts.port else "http://localhost"]


_passkey_rp_id, _passkey_origins = passkey_defaults(SITE_URL)
OTP_WEBAUTHN_RP_ID = os.environ.get("PASSKEY_RP_ID") or _passkey_rp_id
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("PASSKEY_ORIGINS", _passkey_origins)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Staff sessions end after this long without a request, and this long after signing in, whatever happens.
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 8 * 60)
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 24)
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_HOURS * 3600
# Addresses on internal networks (loopback, private, link-local, metadata) that `import_story URL` may
# fetch from all the same (comma-separated addresses or networks, e.g. 10.20.0.0/16); none by default.
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS", [])
# Audit log entries (audit/) older than this many days are deleted by beat.
AUDIT_LOG_DAYS = env_int("AUDIT_LOG_DAYS", 365)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust none).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Internationalization ---------------------------------------------------

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-gb")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")

# --- Cache -----------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Shared by every server process: one publish invalidates pages for all of them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            # Redis away or unreachable: give up within half a second and render the page uncached
            # (pagecache/store.py), rather than hold the reader until gunicorn's timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Each process's own memory: as correct as Redis (cached pages are keyed by the content generation,
    # which every process reads from the database), but each process renders each page itself.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Reader pages are kept this long at most (0 turns the page cache off); any change readers
# could see invalidates them at once anyway.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# How often an open live page asks for new posts (live/), in seconds: every reader, one cached answer.
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 20)
# What CDNs and proxies are told (s-maxage), then serve stale while refreshing; browsers always revalidate.
PAGE_CACHE_SHARED_SECONDS = env_int("PAGE_CACHE_SHARED_SECONDS", 60)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30)
# After a change, while one request re-renders a page, others get its previous copy for at most this
# long instead of all rendering it at once (never after a takedown; 0 turns it off).
PAGE_CACHE_REVALIDATE_SECONDS = env_int("PAGE_CACHE_REVALIDATE_SECONDS", 5)

# --- Readership: the most-read lists (readership/counting.py says what is counted and kept) ---
# Each process writes the reads it counted at most this often, in one statement.
READERSHIP_FLUSH_SECONDS = env_int("READERSHIP_FLUSH_SECONDS", 10)
# Reads kept in memory while the database refuses them, at most (items, i.e. story-hours).
READERSHIP_MAX_PENDING = env_int("READERSHIP_MAX_PENDING", 10000)
# Hourly counts are deleted after this many days (beat's forget-old-reads).
READERSHIP_DAYS = env_int("READERSHIP_DAYS", 2)
# A most-read list is worked out again at most this often (and after every change readers can see).
MOST_READ_SECONDS = env_int("MOST_READ_SECONDS", 300)

# --- Background work (Celery) ----------------------------------------------
# The broker: CELERY_BROKER_URL, else the cache's Redis (REDIS_URL). Set, and the work moved off the
# request (renditions, housekeeping) waits for `celery -A newsroom worker`; set CELERY_BROKER_URL= (empty)
# to keep it in-process with a Redis cache. Unset: each task runs in the process that queued it, right
# after its transaction commits (common/background.py), so `make run` needs nothing more.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
# A task is acknowledged when it has finished, not when it starts: a worker that dies mid-task leaves it
# to be redelivered to another (after the visibility timeout, which must exceed the longest task).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# A broker that is away must not hold an editor's save: give up quickly (the failure is logged).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # tasks report through the log; no result backend to run
CELERY_TIMEZONE = TIME_ZONE
# A task failing transiently is retried after this many seconds, then twice as long each time (10 min at most).
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 10)
# Housekeeping, run by `celery -A newsroom beat` (operations/tasks.py).
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "operations.tasks.clear_expired_sessions", "schedule": timedelta(hours=6)},
    "forget-old-login-records": {"task": "operations.tasks.forget_old_login_records", "schedule": timedelta(days=1)},
    "forget-old-audit-entries": {"task": "audit.tasks.forget_old_entries", "schedule": timedelta(days=1)},
    "forget-old-reads": {"task": "readership.tasks.forget_old_reads", "schedule": timedelta(days=1)},
    "forget-old-autosaves": {"task": "operations.tasks.forget_old_autosaves", "schedule": timedelta(days=1)},
    "forget-old-preview-links": {
        "task": "operations.tasks.forget_old_preview_links",
        "schedule": timedelta(days=1),
    },
    # Notification e-mails still owed after an SMTP failure, then the daily digests (notifications/tasks.py).
    "send-pending-notification-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": timedelta(minutes=5),
    },
    # Deadline reminders of planned stories (coordination/tasks.py); each is sent once however often this runs.
    "send-deadline-reminders": {"task": "coordination.tasks.send_reminders", "schedule": timedelta(minutes=1)},
    # Webhook events that are due (a scheduled story going live) and deliveries waiting for a retry (api/tasks.py).
    "send-webhooks": {"task": "api.tasks.send_due_webhooks", "schedule": timedelta(minutes=1)},
    "send-notification-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=env_int("NOTIFICATION_DIGEST_HOUR", 7), minute=0),
    },
}
# Login records (django-axes' access and failure logs) older than this many days are deleted by beat.
LOGIN_RECORDS_DAYS = env_int("LOGIN_RECORDS_DAYS", 90)
# Preview links that ended (expired or revoked) this many days ago are deleted by beat, with the
# record of each opening (an address and a browser: personal data, kept no longer than needed).
PREVIEW_LINK_RECORDS_DAYS = env_int("PREVIEW_LINK_RECORDS_DAYS", 90)

# --- E-mail (notifications) ---------------------------------------------------
# EMAIL_URL, e.g. smtp://user:pass@mail.example.org:587/?tls=True (smtps://… for SSL; console://,
# locmem://), else the usual EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS;
# neither: e-mails are printed on the console, so `make run` needs no mail server.
if os.environ.get("EMAIL_URL"):
    try:
        globals().update(email_settings(os.environ["EMAIL_URL"]))
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not an e-mail URL ({error}).") from None
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} newsroom <newsroom@localhost>")
# An SMTP server that does not answer must not hold a worker for long: the e-mail is retried later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# --- Static and media files -------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# --- Media on object storage (MEDIA_STORAGE=s3) -------------------------------
# Uploads and renditions in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph) through
# django-storages, so every app server sees the same files; local disk (MEDIA_ROOT) stays the default.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket media is stored in.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # Unset: AWS itself; set for R2, MinIO, Ceph… (e.g. https://<account>.r2.cloudflarestorage.com).
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Unset: boto3's own chain (instance role, ~/.aws) finds the credentials.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            # A CDN or public bucket host for the URLs in pages, e.g. media.news.example.
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            # Readers fetch media straight from the bucket: public objects, plain URLs that pages and
            # caches can keep. Names are random (images.uploads), so unpublished pictures stay unguessable
            # as long as the bucket itself does not allow listing. Empty for buckets without ACLs (R2).
            "default_acl": os.environ.get("AWS_DEFAULT_ACL", "public-read") or None,
            "querystring_auth": False,
            # A name is never reused for other content (images.renditions relies on it): cache for a year.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")

# Uploads larger than this are refused before they are read into memory. Django's own defaults
# are kept, not restated, for the rest: X_FRAME_OPTIONS "DENY", nosniff, HttpOnly session cookies,
# uploads stored 0o644 and streamed to disk above 2.5 MB, USE_TZ and USE_I18N on.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The content API keeps its own copies under the same content generation, after checking the key and the
# rate limits, which a page served from the page cache would skip (api/caching.py).
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/preview/", "/healthz", f"/{STATIC_URL}", MEDIA_URL, "/api/")

# --- Security ---------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Load balancers probe the health check over plain HTTP, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# Both commit more than this site to HTTPS for as long as SECURE_HSTS_SECONDS: every subdomain (a
# newsletter's tracking links, an old archive), and, with preload, the browsers' built-in list, which
# takes months to leave. That is each publication's decision, so the deploy check's reminders
# (security.W005, security.W021) stay until it is made: set to 0 is a decision too, and silences them.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_says_no("SECURE_HSTS_INCLUDE_SUBDOMAINS"):
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if env_says_no("SECURE_HSTS_PRELOAD"):
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Secure cookies whenever debug is off; a production-like run over plain HTTP
# on a laptop sets SESSION_COOKIE_SECURE=0 and CSRF_COOKIE_SECURE=0 to log in.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)

# --- Reader website ---------------------------------------------------------

STORIES_PER_PAGE = env_int("STORIES_PER_PAGE", 20)
# PostgreSQL text search configuration: the language whose stemming and stop words search uses.
SEARCH_CONFIG = os.environ.get("SEARCH_CONFIG", "english")

# Embeds in story bodies (articles/embeds.py): a paragraph holding only an address whose host is listed
# here becomes a block that loads the provider's frame only when the reader asks for it. Per provider:
# ``hosts`` (exact host names, nothing else matches), ``patterns`` (regular expressions over
# "host/path?query"; their named groups fill ``frame``, ``frame_host`` and ``title``; ``{url}`` is the
# whole address, encoded), ``frame`` (the iframe's address), ``frame_host`` (what the page's
# Content-Security-Policy ``frame-src`` allows, only on pages with such an embed) and ``shape``
# (video, audio, post or chart: the block's proportions). Remove a provider to turn its embeds into links.
_ID = r"[A-Za-z0-9_-]+"
EMBED_PROVIDERS = {
    "youtube": {
        "name": "YouTube",
        "hosts": ["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"],
        "patterns": [
            r"^(?:www\.|m\.)?youtube\.com/watch\?(?:[^#]*&)?v=(?P<id>[A-Za-z0-9_-]{11})(?:[&#]|$)",
            r"^(?:www\.|m\.)?youtube\.com/(?:shorts|embed|live)/(?P<id>[A-Za-z0-9_-]{11})(?:[/?#]|$)",
            r"^youtu\.be/(?P<id>[A-Za-z0-9_-]{11})(?:[/?#]|$)",
        ],
        "frame": "https://www.youtube-nocookie.com/embed/{id}",
        "frame_host": "www.youtube-nocookie.com",
        "shape": "video",
    },
    "vimeo": {
        "name": "Vimeo",
        "hosts": ["vimeo.com", "www.vimeo.com", "player.vimeo.com"],
        "patterns": [r"^(?:www\.)?vimeo\.com/(?P<id>\d+)(?:[/?#]|$)", r"^player\.vimeo\.com/video/(?P<id>\d+)"],
        "frame": "https://player.vimeo.com/video/{id}?dnt=1",
        "frame_host": "player.vimeo.com",
        "shape": "video",
    },
    "x": {
        "name": "X",
        "hosts": ["x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"],
        "patterns": [r"^(?:www\.|mobile\.)?(?:x|twitter)\.com/(?P<user>\w{1,15})/status/(?P<id>\d+)(?:[/?#]|$)"],
        "frame": "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
        "frame_host": "platform.twitter.com",
        "title": "Post by @{user}",
        "shape": "post",
    },
    "instagram": {
        "name": "Instagram",
        "hosts": ["instagram.com", "www.instagram.com"],
        "patterns": [r"^(?:www\.)?instagram\.com/(?P<kind>p|reel|tv)/(?P<id>" + _ID + r")/?(?:[?#]|$)"],
        "frame": "https://www.instagram.com/{kind}/{id}/embed/",
        "frame_host": "www.instagram.com",
        "shape": "post",
    },
    "facebook": {
        "name": "Facebook",
        "hosts": ["facebook.com", "www.facebook.com", "m.facebook.com"],
        "patterns": [r"^(?:www\.|m\.)?facebook\.com/[\w.-]+/(?:posts|videos)/[\w.-]+/?(?:[?#]|$)"],
        "frame": "https://www.facebook.com/plugins/post.php?href={url}",
        "frame_host": "www.facebook.com",
        "shape": "post",
    },
    "tiktok": {
        "name": "TikTok",
        "hosts": ["tiktok.com", "www.tiktok.com"],
        "patterns": [r"^(?:www\.)?tiktok\.com/@(?P<user>[\w.-]+)/video/(?P<id>\d+)(?:[/?#]|$)"],
        "frame": "https://www.tiktok.com/embed/v2/{id}",
        "frame_host": "www.tiktok.com",
        "title": "Video by @{user}",
        "shape": "post",
    },
    "telegram": {
        "name": "Telegram",
        "hosts": ["t.me"],
        "patterns": [r"^t\.me/(?P<channel>\w{4,32})/(?P<id>\d+)/?(?:[?#]|$)"],
        "frame": "https://t.me/{channel}/{id}?embed=1",
        "frame_host": "t.me",
        "title": "Post in {channel}",
        "shape": "post",
    },
    "mastodon": {
        "name": "Mastodon",
        # Mastodon has no single host: list the servers whose posts may be embedded.
        "hosts": ["mastodon.social", "mastodon.online", "mstdn.social", "journa.host"],
        "patterns": [r"^(?P<server>[a-z0-9.-]+)/@(?P<user>\w{1,30})/(?P<id>\d+)/?(?:[?#]|$)"],
        "frame": "https://{server}/@{user}/{id}/embed",
        "frame_host": "{server}",
        "title": "Post by @{user}",
        "shape": "post",
    },
    "soundcloud": {
        "name": "SoundCloud",
        "hosts": ["soundcloud.com", "www.soundcloud.com"],
        "patterns": [r"^(?:www\.)?soundcloud\.com/[\w-]+/[\w-]+/?(?:[?#]|$)"],
        "frame": "https://w.soundcloud.com/player/?url={url}",
        "frame_host": "w.soundcloud.com",
        "shape": "audio",
    },
    "spotify": {
        "name": "Spotify",
        "hosts": ["open.spotify.com"],
        "patterns": [
            r"^open\.spotify\.com/(?P<kind>track|album|playlist|episode|show|artist)/(?P<id>[A-Za-z0-9]+)(?:[/?#]|$)"
        ],
        "frame": "https://open.spotify.com/embed/{kind}/{id}",
        "frame_host": "open.spotify.com",
        "shape": "audio",
    },
    "datawrapper": {
        "name": "Datawrapper",
        "hosts": ["datawrapper.dwcdn.net", "www.datawrapper.de"],
        "patterns": [
            r"^datawrapper\.dwcdn\.net/(?P<id>[A-Za-z0-9]{5})(?:/\d+)?/?(?:[?#]|$)",
            r"^www\.datawrapper\.de/_/(?P<id>[A-Za-z0-9]{5})/?(?:[?#]|$)",
        ],
        "frame": "https://datawrapper.dwcdn.net/{id}/",
        "frame_host": "datawrapper.dwcdn.net",
        "shape": "chart",
    },
    "flourish": {
        "name": "Flourish",
        "hosts": ["public.flourish.studio", "flo.uri.sh"],
        "patterns": [r"^(?:public\.flourish\.studio|flo\.uri\.sh)/visualisation/(?P<id>\d+)/?(?:[?#]|$)"],
        "frame": "https://flo.uri.sh/visualisation/{id}/embed",
        "frame_host": "flo.uri.sh",
        "shape": "chart",
    },
}

# --- The writing desk (desk/: the story form's preview, autosave and presence) ---
# Live previews each person may ask for per window (typing pauses of half a second make about two a second).
DESK_PREVIEW_LIMIT = env_int("DESK_PREVIEW_LIMIT", 120)
DESK_PREVIEW_WINDOW_SECONDS = env_int("DESK_PREVIEW_WINDOW_SECONDS", 60)
# The form sends its unsaved changes this often while someone types.
DESK_AUTOSAVE_SECONDS = env_int("DESK_AUTOSAVE_SECONDS", 15)
# Autosaves untouched for this many days are deleted by beat (operations.tasks.forget_old_autosaves).
DESK_AUTOSAVE_DAYS = env_int("DESK_AUTOSAVE_DAYS", 30)
# An open form says so this often; someone whose form has not said so for the stale window is gone.
DESK_HEARTBEAT_SECONDS = env_int("DESK_HEARTBEAT_SECONDS", 20)
DESK_PRESENCE_STALE_SECONDS = env_int("DESK_PRESENCE_STALE_SECONDS", 50)

# --- Content API (api/) and webhooks ---------------------------------------------

# Whether /api/v1/ answers requests without a partner key (Authorization: Bearer …).
API_ANONYMOUS_ACCESS = env_bool("API_ANONYMOUS_ACCESS", True)
# Requests per minute for each partner key, and for each client address without a key (429 beyond).
# Counted in Django's cache: Redis when REDIS_URL is set, so every server process shares the counts.
API_RATE_PER_KEY = env_int("API_RATE_PER_KEY", 600)
API_RATE_PER_ADDRESS = env_int("API_RATE_PER_ADDRESS", 60)
# The changes feed lists events at least this many seconds old, so a change committed a moment after its
# time was taken is never behind a cursor already handed out.
API_CHANGES_SETTLE_SECONDS = env_int("API_CHANGES_SETTLE_SECONDS", 5)
# Web pages on these origins (https://app.example.org,…) may read the API from a browser (GET only).
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# Webhooks: a receiver has this long to answer; failures are retried with backoff for WEBHOOK_RETRY_HOURS;
# after WEBHOOK_FAILURES_BEFORE_DISABLE failed attempts in a row the endpoint is disabled and its owner told.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)
WEBHOOK_FAILURES_BEFORE_DISABLE = env_int("WEBHOOK_FAILURES_BEFORE_DISABLE", 50)
# Deliveries to loopback, private, link-local (cloud metadata) and other non-public addresses are refused
# unless this is on (for a receiver on the same private network, and the tests).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.keys.BearerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.keys.ReadScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.limits.PerKeyOrAddress"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.json_error",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} content API",
    "DESCRIPTION": "Published stories, sections, authors, tags and corrections, and a feed of changes.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_errors_and_links"],
}

# --- Logging ----------------------------------------------------------------

# One line per message: plain text, or with LOG_FORMAT=json one JSON object (python-json-logger),
# with the time, level, logger and message as fields, for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT is {LOG_FORMAT!r}; it must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"hide_outage_tracebacks": {"()": "newsroom.outages.HideOutageTracebacks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # While PostgreSQL is unreachable each request is noted in one warning line (newsroom.outages),
        # not an ERROR with a traceback.
        "django.request": {"filters": ["hide_outage_tracebacks"]},
        # An unknown Host (scanners, probes by IP address) is answered 400 and noted in one warning
        # line by newsroom.security; Django would also log an ERROR with a traceback here, for every
        # such request. Silenced as Django's documentation shows.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
        # Lockouts are logged as warnings; the routine bookkeeping of every login is not news.
        "axes": {"level": "WARNING"},
        # In-process tasks (no broker) would log a line each; a worker's log keeps them.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
