"""Newsroom settings: one module, driven by environment variables only.

Production differs from development only by the variables it sets, so the two
cannot drift apart. See the table in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.forms import Script

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "taggit",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prose_editor",  # the article body's rich-text editor (its JS ships in the package)
    "articles",
]

MIDDLEWARE = [
    # First: forwarding headers from anyone but TRUSTED_PROXIES are dropped (newsroom/proxies.py).
    "newsroom.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages are answered from the shared cache here, before sessions,
    # auth or any view run (see articles/cache/pages.py); everything below runs on a miss only.
    "articles.cache.pages.PageCacheMiddleware",
    # A request that published answers once readers' leases on the old epoch ran out.
    "articles.cache.lease.WaitOutLeasesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff who need a second factor and have not given one reach only the 2FA pages.
    "articles.security.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.security.middleware.RefusalLogMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        # The reader pages (newsroom/jinja2/, articles/jinja2/): see newsroom/templating.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "newsroom" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "newsroom.templating.environment"},
    },
    {
        # The admin and emails; newsroom/templates/ holds the site-wide admin overrides.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that is down or stuck must not hold a request longer than gunicorn's timeout:
# readers then get cached pages or a 503 with Retry-After (newsroom/errors.py) within seconds.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
    # Startup parameters; behind PgBouncer set them on the role or the database instead.
    # No JIT compilation: it pays off for long reports, not a page's queries. Above its cost
    # threshold a related-articles query of 11 ms spent 109 ms compiling (a million articles).
    startup = ["-c jit=off"]
    if DATABASE_STATEMENT_TIMEOUT:
        startup.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}")
    options["options"] = " ".join(startup)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # How long a statement waits for another process's write lock before failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = DATABASE_STATEMENT_TIMEOUT or 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound on the server, and a statement run often on a connection is prepared:
    # PostgreSQL then skips parsing and planning it again. Set DATABASE_PREPARED_STATEMENTS=0
    # behind a pooler in transaction mode (PgBouncer), which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")),
    )

REDIS_URL = os.environ.get("REDIS_URL", "")
if env_bool("CACHE_DISABLED"):
    # Every cache off (benchmarks, debugging): the page cache switches itself off too.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    # Django's RedisCache with short timeouts, whose errors are logged and served as misses
    # (articles/cache/backends.py): a Redis outage never fails a page or the admin login.
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "articles.cache.backends.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    # Process-local pages; the page cache's version tokens then live in the database, so a
    # write in any process (a command, another worker) reaches every server process at its
    # next request (articles/cache/tokens.py). Other cached values (photo sizes, "who has
    # this open") stay per process: gunicorn.conf.py runs a single threaded worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
        }
    }

# Whole-page cache for anonymous readers (articles/cache/pages.py). On by default; PAGE_CACHE=0
# turns it off. Pages are invalidated precisely on every write, from any process; the timeout
# only bounds how long a page lives (and staleness if Redis was down during a write).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "3600" if REDIS_URL else "300"))
# List pages beyond this number are rendered but never stored (bounded keys).
PAGE_CACHE_MAX_PAGE = int(os.environ.get("PAGE_CACHE_MAX_PAGE", "100"))
# What browsers and CDNs may reuse without asking: 0 = revalidate every time (a 304 is cheap).
PAGE_CACHE_BROWSER_MAX_AGE = int(os.environ.get("PAGE_CACHE_BROWSER_MAX_AGE", "0"))
# Without Redis, a file every writing process appends to, so a cached page is served without
# asking the database whether anything changed (articles/cache/tokens.py). On SQLite it is
# `<database>-pagecache` unless set; on PostgreSQL only when set, and then only if every
# process that writes to the database runs on this machine (several machines: use Redis).
# "off" turns it off.
PAGE_CACHE_CHANGE_FILE = os.environ.get("PAGE_CACHE_CHANGE_FILE", "")
# Without Redis or a change file (PostgreSQL's default), a process asks the database whether
# anything changed at most once in this many seconds; a request or command that published
# answers this long after its commit, so the next reader request still sees it
# (articles/cache/lease.py). 0: ask at every cache hit, and writers never wait.
PAGE_CACHE_LEASE = float(os.environ.get("PAGE_CACHE_LEASE", "0.1"))

# Reader search ranks the newest this many matching articles and says "more than" beyond them
# (articles/search/__init__.py); the admin's search box lists the same newest matches.
SEARCH_RANKED_MATCHES = int(os.environ.get("SEARCH_RANKED_MATCHES", "1000"))

# Sign-in (articles/security/). django-axes checks the lockout before any password is
# hashed; ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins allowed before a lockout: for one account from one address, for one account
# from anywhere, and for one address whatever the accounts. The last is far higher because a
# newsroom signs in from one address behind its NAT: a colleague's typos must not lock it.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "10"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
# The first lockout lasts this long; each further limit's worth of failures doubles it, up to
# a day. Failures are forgotten after a day without any.
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "5"))
AXES_HANDLER = "articles.security.throttle.NewsroomAxesHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_COOLOFF_TIME = "articles.security.throttle.cool_off"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.security.throttle.lockout_response"
# The client address is REMOTE_ADDR: what the socket (or a trusted proxy's middleware that
# rewrites REMOTE_ADDR) says, never a header a client can type.
AXES_CLIENT_IP_CALLABLE = "articles.security.throttle.client_address"
# Masked in the failed-attempt rows axes keeps (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
AXES_DISABLE_ACCESS_LOG = True  # sign-ins go to our security log (articles/security/events.py)
AXES_VERBOSE = False

# Editors and superusers must confirm a TOTP device before they reach the admin. On by
# default in production; off with DEBUG so the demo accounts sign in with a password only.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "Newsroom")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP key or recovery code

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Minsk")
# The newsroom publishes in English: no translation lookups on every URL and date a page
# renders (about a tenth of a page's template time). British formats still apply.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


def s3_photo_storage(environ):
    """STORAGES["default"] for an S3-compatible bucket (django-storages), from AWS_* variables.

    Objects are private: no ACL is sent (the bucket's owner-only default applies), and any URL
    the storage itself makes is presigned and short-lived. Readers never get those: photos
    reach them only as renditions through our own signed, gated addresses (articles/images/).
    """
    return {
        "BACKEND": "newsroom.storage.PhotoStorage",  # S3Storage, reading in one request
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            # Unset keys leave boto3 its own chain (instance role, ~/.aws, ...).
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "location": environ.get("AWS_LOCATION", ""),
            # "path" for servers without per-bucket host names (SeaweedFS, MinIO); else auto.
            "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # As on disk: saving under a name that exists picks a new name, never overwrites.
            "file_overwrite": False,
        },
    }


# Photos (originals, renditions, portraits) on the local disk under MEDIA_ROOT, or in a bucket
# when AWS_STORAGE_BUCKET_NAME is set; the code reaches them through the storage API only.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    PHOTO_STORAGE = s3_photo_storage(os.environ)
else:
    PHOTO_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": PHOTO_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How long browsers and shared caches may keep a public photo: a photo taken down is gone
# from every cache within this many seconds (articles/images/renditions.py).
PHOTO_CACHE_SECONDS = int(os.environ.get("PHOTO_CACHE_SECONDS", "300"))

# Uploads: images above this are refused before Pillow decodes them.
# Workflow e-mail (articles/workflow/notifications.py): SMTP when EMAIL_HOST is set, else
# printed to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in e-mails point (the admin's public address).
NEWSROOM_ADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

NEWSROOM_MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

NEWSROOM_SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")

# Security: Django's protections on; secure cookies and HSTS whenever DEBUG is off.
# Content-Security-Policy (django-csp): no inline script, no <style> element and no style=""
# attribute anywhere (the admin's own styles are classes in articles/static/articles/admin/base.css);
# JSON-LD data blocks are not scripts and need no exception. The admin passes it too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The nonce is sent only on pages that use it: the article editor's import map.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The article body editor: django-prose-editor's ProseMirror build plus our module, which
# adds photos from the library (articles/static/articles/admin/body-editor.js).
DJANGO_PROSE_EDITOR_PRESETS = {
    "newsroom": [
        Script("django_prose_editor/editor.js", type="module"),
        Script("articles/admin/body-editor.js", type="module"),
    ],
}

SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database, never in the cache: a Redis outage must not stop editors logging in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Proxies whose X-Forwarded-Proto and X-Forwarded-For are believed: addresses or networks.
# The default suits a proxy on the same machine (gunicorn binds 127.0.0.1); behind a load
# balancer list its addresses. Anyone else's forwarding headers are removed.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Only ever present when a trusted proxy sent it (newsroom/proxies.py).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
