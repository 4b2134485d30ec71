"""Anlan settings: one env-driven file.

Environment (CONTRACT.md): ANLAN_DATA_DIR (default ./var), DATABASE_URL (SQLite in the data dir when
unset), ANLAN_MQTT_URL, ANLAN_REDIS_URL. Secrets are never in the repository: the secret key and
the field-encryption key come from the environment or are generated once into the data directory.
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("ANLAN_DATA_DIR", "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _private_data_dir() -> Path:
    """The data dir, created readable by the service account only (0700): it holds the keys, the SQLite
    database and the uploads, which no other local user may read."""
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return DATA_DIR


def _secret_from_env_or_file(env_name: str, filename: str, factory) -> str:
    """Read a secret from the environment, else from a 0600 file in the data dir, creating it once."""
    value = os.environ.get(env_name)
    if value:
        return value
    _private_data_dir()
    path = DATA_DIR / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(factory())
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _secret_from_env_or_file("ANLAN_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# Key for phone and ID numbers encrypted at rest (Fernet). Losing it makes those fields unreadable:
# back it up with the database. Several keys (newest first, comma-separated) allow rotation.
FIELD_ENCRYPTION_KEYS = _secret_from_env_or_file("ANLAN_FIELD_KEYS", "field_keys", _fernet_key).split(",")
# Key of the blind indexes beside encrypted phone numbers (core.crypto.blind_index: an HMAC of the normalised
# number, so a full number can be found without decrypting every row). Back it up with the field keys; after
# replacing it, `anlan blind-index-rebuild` recomputes the indexes.
ANLAN_BLIND_INDEX_KEY = _secret_from_env_or_file(
    "ANLAN_BLIND_INDEX_KEY", "blind_index_key", lambda: secrets.token_hex(32)
)

# Cryptography scheme (core/crypto.py): "default" (Fernet for personal data, HMAC-SHA256 for the audit
# chain) or "sm" (商用密码 for 密评: SM4-GCM and HMAC-SM3). `anlan crypto-migrate` converts stored data.
ANLAN_CRYPTO = os.environ.get("ANLAN_CRYPTO", "default").strip().lower() or "default"
if ANLAN_CRYPTO not in {"default", "sm"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"ANLAN_CRYPTO 只能是 default（默认）或 sm（商用密码），而不是 {ANLAN_CRYPTO!r}")
# SM4 keys (hex, 128 bit, newest first, comma-separated); else the data dir's sm4_keys file, created
# the first time a value is encrypted in "sm" mode. Back it up with the database, like field_keys.
ANLAN_SM4_KEYS = [k for k in os.environ.get("ANLAN_SM4_KEYS", "").split(",") if k.strip()]
ANLAN_SM4_KEY_FILE = DATA_DIR / "sm4_keys"
# Audit chain key (hex, newest first, comma-separated); else the data dir's audit_key file, created when
# the first keyed entry is written — and never silently re-created once entries were sealed with it.
ANLAN_AUDIT_KEYS = [k for k in os.environ.get("ANLAN_AUDIT_KEYS", "").split(",") if k.strip()]
ANLAN_AUDIT_KEY_FILE = DATA_DIR / "audit_key"
# Signed checkpoints of the audit chain (count + head hash), appended daily outside the database, and
# optionally sent to a syslog collector (udp://host:514 or tcp://host:514).
ANLAN_AUDIT_CHECKPOINTS = Path(os.environ.get("ANLAN_AUDIT_CHECKPOINTS", DATA_DIR / "audit-checkpoints.log"))
ANLAN_AUDIT_SYSLOG = os.environ.get("ANLAN_AUDIT_SYSLOG", "")

DEBUG = _env_bool("ANLAN_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ANLAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ANLAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's own widget templates, for FORM_RENDERER below.
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "anlan.core",
    "anlan.geo",
    "anlan.accounts",
    "anlan.registry",
    "anlan.resources",
    "anlan.supplies",
    "anlan.risk",
    "anlan.hazards",
    "anlan.sites",
    "anlan.notify",
    "anlan.inbox",
    "anlan.monitoring",
    "anlan.duty",
    "anlan.alerts",
    "anlan.plans",
    "anlan.training",
    "anlan.incidents",
    "anlan.disasters",
    "anlan.enforcement",
    "anlan.drills",
    "anlan.consultations",
    "anlan.forestfire",
    "anlan.flood",
    "anlan.geohazard",
    "anlan.rewards",
    "anlan.kpi",
    "anlan.overview",
    "anlan.demo",
    "anlan.bench",
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
    "anlan.core.middleware.ActorMiddleware",
    "anlan.core.middleware.SecurityHeadersMiddleware",
    "anlan.accounts.middleware.AccountSecurityMiddleware",
    "anlan.core.errors.DomainErrorMiddleware",
    "anlan.core.middleware.NulByteMiddleware",
]

ROOT_URLCONF = "anlan.urls"
WSGI_APPLICATION = "anlan.wsgi.application"

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
                "anlan.core.context_processors.navigation",
                "anlan.core.bureau.context",
                "anlan.inbox.context_processors.unread",
                "anlan.duty.context_processors.on_duty_header",
            ],
        },
    },
]

# Form widgets render through the project's templates, so that anlan/templates/django/forms/ can replace one of
# Django's: the select widget writes its options inline (hundreds on an enterprise or person field).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'anlan.sqlite3'}",
        conn_max_age=int(os.environ.get("ANLAN_DB_CONN_MAX_AGE", 60)),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the worker writes; a busy timeout instead of "database is locked":
    # a writer waits this long for another's transaction. The longest write transaction is an Excel import of
    # ANLAN_IMPORT_MAX_ROWS rows (~10 s for 20,000 on the busy 2-core build machine, benchmarks/README.md), so
    # the default leaves a margin of three.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": float(os.environ.get("ANLAN_DB_BUSY_TIMEOUT", 30)),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept (ANLAN_DB_CONN_MAX_AGE, as on PostgreSQL): a new SQLite connection parses the whole
    # schema (~800 tables and indexes) before its first query, ~5 ms of CPU that every API request paid when
    # each request opened its own (issue 21). Each statement outside a transaction reads the latest commit.
    _sqlite_file = DATABASES["default"]["NAME"]
    if _sqlite_file and _sqlite_file != ":memory:" and not os.path.exists(_sqlite_file):
        # Created 0600 before SQLite does (it would use the umask, often world-readable); SQLite gives its
        # -wal and -shm files the database file's mode.
        Path(_sqlite_file).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(_sqlite_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "anlan.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "anlan.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "anlan.accounts.passwords.UsernameValidator"},
    {"NAME": "anlan.accounts.passwords.GuessabilityValidator", "OPTIONS": {"min_score": 3}},
    {"NAME": "anlan.accounts.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
]
# A password older than this many days must be changed at the next request (0: never expires).
ANLAN_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ANLAN_PASSWORD_MAX_AGE_DAYS", 90))
# API tokens expire after this many days unless created with another lifetime.
ANLAN_API_TOKEN_DAYS = int(os.environ.get("ANLAN_API_TOKEN_DAYS", 90))
OTP_TOTP_ISSUER = "安澜"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lockout: this many failed logins for one account from one address within the window lock that account
# for that address (a stranger elsewhere cannot lock the owner out); an administrator can unlock.
ANLAN_LOGIN_MAX_FAILURES = 5
ANLAN_LOGIN_WINDOW_MINUTES = 15
# Failed logins from one address within the window after which that address is refused before any
# password hash runs (finding 12: login as a CPU lever).
ANLAN_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("ANLAN_LOGIN_ADDRESS_MAX_FAILURES", 20))

# Sessions expire after two hours without activity and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("ANLAN_SESSION_SECONDS", 2 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Served over TLS (behind the reverse proxy of docs/deploy.md, which sets X-Forwarded-Proto): secure cookies,
# redirect plain HTTP, HSTS. ANLAN_SECURE_COOKIES is the older name for the cookie part alone.
ANLAN_HTTPS = _env_bool("ANLAN_HTTPS")
SESSION_COOKIE_SECURE = ANLAN_HTTPS or _env_bool("ANLAN_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if ANLAN_HTTPS:
    # Trust the proxy's scheme header only in this mode: the proxy must overwrite it on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ANLAN_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("ANLAN_HSTS_SUBDOMAINS", True)
    # The preload flag alone submits nothing; it lets a bureau list its public domain if it wants to.
    SECURE_HSTS_PRELOAD = _env_bool("ANLAN_HSTS_PRELOAD", True)
# No page of Anlan is meant to be framed, by another site or by itself.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _tile_origins() -> list[str]:
    """Where map tiles may come from besides this site (the configured source only)."""
    from urllib.parse import urlsplit

    urls = [os.environ.get("ANLAN_TILE_URL", "")]
    if os.environ.get("ANLAN_TIANDITU_KEY"):
        urls.append("https://t{s}.tianditu.gov.cn/")
    origins = []
    for url in filter(None, urls):
        parts = urlsplit(url.replace("{s}", "*"))
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


# Content-Security-Policy (core.middleware.SecurityHeadersMiddleware): scripts only from this site's files —
# no inline script, no eval; styles allow inline attributes (templates and Leaflet position elements with
# them); images also from the configured tile source; nothing may frame a page.
ANLAN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *_tile_origins()],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "report-uri": ["/csp-report/"],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders as well, so a fresh checkout works without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads (Excel imports) are checked for type and size before they are read.
ANLAN_MAX_PHOTO_BYTES = int(os.environ.get("ANLAN_MAX_PHOTO_BYTES", 5 * 1024 * 1024))
# Behind nginx: checked uploads are sent by nginx from this internal location (X-Accel-Redirect), the checks
# staying in the application (core/uploads.py, deploy/nginx/anlan.conf). Empty: the application sends them.
ANLAN_UPLOADS_ACCEL_PREFIX = os.environ.get("ANLAN_UPLOADS_ACCEL_PREFIX", "")
ANLAN_MAX_UPLOAD_BYTES = int(os.environ.get("ANLAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ANLAN_MAX_UPLOAD_BYTES + 1024 * 1024
# Excel imports (docs/registry-kit.md): at most this many data rows per file, so that the one write
# transaction stays well inside the SQLite busy timeout (a county's biggest registry, its residents, is
# imported township by township); files with more than ANLAN_IMPORT_BACKGROUND_ROWS rows are imported
# by a background job with a progress page instead of within the request.
ANLAN_IMPORT_MAX_ROWS = int(os.environ.get("ANLAN_IMPORT_MAX_ROWS", 20_000))
ANLAN_IMPORT_BACKGROUND_ROWS = int(os.environ.get("ANLAN_IMPORT_BACKGROUND_ROWS", 2_000))

# Map base tiles: none by default (isolated networks). Either a local XYZ folder served by Anlan,
# or a 天地图 key, or any XYZ URL template the bureau runs on its intranet.
ANLAN_TILE_DIR = os.environ.get("ANLAN_TILE_DIR", "")
ANLAN_TILE_URL = os.environ.get("ANLAN_TILE_URL", "")
ANLAN_TIANDITU_KEY = os.environ.get("ANLAN_TIANDITU_KEY", "")

# Shelter capacity norm: GB 21734-2008 §5.4, per-person living area > 1.5 m². Each shelter may override it.
ANLAN_SHELTER_AREA_PER_PERSON_M2 = float(os.environ.get("ANLAN_SHELTER_AREA_PER_PERSON_M2", 1.5))

# Dispatch travel estimates: straight line × road factor at an average speed, unless an OSRM server is set.
# 1.6 and 35 km/h are defaults for mountain counties such as 巫山; set TravelProfile per region to refine.
ANLAN_ROAD_FACTOR = float(os.environ.get("ANLAN_ROAD_FACTOR", 1.6))
ANLAN_ROAD_SPEED_KMH = float(os.environ.get("ANLAN_ROAD_SPEED_KMH", 35))
ANLAN_OSRM_URL = os.environ.get("ANLAN_OSRM_URL", "")

# The bureau's name on public pages and in the staff header (core/bureau.py); empty: "<county>应急管理局"
# from the county loaded on this server.
ANLAN_BUREAU_NAME = os.environ.get("ANLAN_BUREAU_NAME", "").strip()
# The address the public reaches (QR codes on 风险告知卡, links in public notices); by default the
# address of the request that printed the card.
ANLAN_PUBLIC_URL = os.environ.get("ANLAN_PUBLIC_URL", "").rstrip("/")
# Public tip page (群众举报): submissions per address per hour, and the least seconds a person takes.
ANLAN_TIP_RATE_PER_HOUR = int(os.environ.get("ANLAN_TIP_RATE_PER_HOUR", 5))
ANLAN_TIP_MIN_SECONDS = int(os.environ.get("ANLAN_TIP_MIN_SECONDS", 3))
# Reverse proxies whose X-Real-IP / X-Forwarded-For are believed (comma-separated IPs or CIDRs, e.g.
# "127.0.0.1,10.0.0.0/8"); from anyone else these headers are ignored. Empty: REMOTE_ADDR only.
ANLAN_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("ANLAN_TRUSTED_PROXIES", "").split(",") if p.strip()]
# 公众订阅: how long the SMS code that confirms a subscription (or an unsubscription) stays valid.
ANLAN_SUBSCRIBE_CODE_MINUTES = int(os.environ.get("ANLAN_SUBSCRIBE_CODE_MINUTES", 10))

# 救灾救助 (reference §15.5): local rates are SECONDARY sources, so they are settings whose defaults are the
# older central values; the pages show them as 参考值，可按本地标准调整. Rates in 元.
ANLAN_RELIEF_EMERGENCY_RATE = os.environ.get("ANLAN_RELIEF_EMERGENCY_RATE", "20")  # 紧急转移安置, 元/人/天
ANLAN_RELIEF_EMERGENCY_MAX_DAYS = int(os.environ.get("ANLAN_RELIEF_EMERGENCY_MAX_DAYS", 15))
# 重点任务分工 (kpi.reminders): days before a milestone or deadline on which its units are reminded.
ANLAN_KPI_TASK_REMIND_DAYS = tuple(
    int(d) for d in os.environ.get("ANLAN_KPI_TASK_REMIND_DAYS", "7,1").split(",") if d.strip().isdigit()
)
ANLAN_RELIEF_TRANSITION_RATE = os.environ.get("ANLAN_RELIEF_TRANSITION_RATE", "20")  # 过渡期, 元/人/天
ANLAN_RELIEF_TRANSITION_MAX_DAYS = int(os.environ.get("ANLAN_RELIEF_TRANSITION_MAX_DAYS", 90))  # 原则上不超过3个月
ANLAN_RELIEF_WINTER_RATE = os.environ.get("ANLAN_RELIEF_WINTER_RATE", "150")  # 冬春救助, 元/人
ANLAN_RELIEF_REBUILD_RATE = os.environ.get("ANLAN_RELIEF_REBUILD_RATE", "5000")  # 恢复重建, 元/间
ANLAN_RELIEF_REBUILD_CAP = os.environ.get("ANLAN_RELIEF_REBUILD_CAP", "20000")  # 每户上限
ANLAN_RELIEF_NOTICE_DAYS = int(os.environ.get("ANLAN_RELIEF_NOTICE_DAYS", 7))  # 公示天数
# Objections sent from one address per hour on the public 公示 page.
ANLAN_RELIEF_OBJECTIONS_PER_HOUR = int(os.environ.get("ANLAN_RELIEF_OBJECTIONS_PER_HOUR", 5))

# Four-colour thresholds of the regional risk index per level (risk/index.py documents the index);
# JSON like {"village": {"red": 30, "orange": 18, "yellow": 8}, "township": {...}}; empty = defaults.
ANLAN_RISK_INDEX_THRESHOLDS = json.loads(os.environ.get("ANLAN_RISK_INDEX_THRESHOLDS") or "null")

# 灾情报送 (anlan/disasters/clocks.py): the county's daily 续报 is due by this local time, the 核报 this many
# working days after the disaster is stable. Both are the older 民政-era rules, UNVERIFIED for the 2020
# 自然灾害情况统计调查制度 (reference/standards.md §4.3); the pages say so.
ANLAN_DISASTER_UPDATE_BY = os.environ.get("ANLAN_DISASTER_UPDATE_BY", "09:00")
ANLAN_DISASTER_FINAL_WORKING_DAYS = int(os.environ.get("ANLAN_DISASTER_FINAL_WORKING_DAYS", 2))

# Incident grading and report clocks of forest fires and geological hazards (incidents/grading_forest.py,
# grading_geo.py, clocks.py; reference §19.5, §21.1–21.2). The grades themselves are statute (VERIFIED) and code.
# - 森林防火条例 Art. 32 says 立即 for the fires reported to the national level without minutes: the platform's
#   deadline, default 60 minutes (no source; the page says so). Its item 5 is a fire not out within 24 h (VERIFIED);
#   provinces set stricter hours (河南 12, 重庆 4).
ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES = int(os.environ.get("ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES", 60))
ANLAN_FOREST_FIRE_BURNING_HOURS = int(os.environ.get("ANLAN_FOREST_FIRE_BURNING_HOURS", 24))
# - 地质灾害速报 hours by grade (SECONDARY: 特大型/大型 4, 中型/小型 12), JSON by level, e.g. {"I": 1, "II": 1}
#   for 重庆's 1 h; levels not named keep the default.
ANLAN_GEO_REPORT_HOURS = json.loads(os.environ.get("ANLAN_GEO_REPORT_HOURS") or "null") or {
    "I": 4,
    "II": 4,
    "III": 12,
    "IV": 12,
}
# - Count missing persons with the dead when grading a 灾情 (per province; Art. 4 says 因灾死亡: default off).
ANLAN_GEO_COUNT_MISSING = _env_bool("ANLAN_GEO_COUNT_MISSING")

# 一公开 and the 严重失信主体名单 (anlan/enforcement/credit_rules.py): results published within N days of a random
# inspection (SECONDARY; calendar days — working vs calendar UNVERIFIED); a listing lasts N years and may be
# lifted (信用修复) after N months (SECONDARY, standards.md §11.4–11.5). The pages say so.
ANLAN_ENFORCEMENT_PUBLISH_DAYS = int(os.environ.get("ANLAN_ENFORCEMENT_PUBLISH_DAYS", 20))
ANLAN_ENFORCEMENT_CREDIT_TERM_YEARS = int(os.environ.get("ANLAN_ENFORCEMENT_CREDIT_TERM_YEARS", 3))
ANLAN_ENFORCEMENT_REPAIR_AFTER_MONTHS = int(os.environ.get("ANLAN_ENFORCEMENT_REPAIR_AFTER_MONTHS", 12))

# Background work (core.embedded, core.schedule): `anlan serve` also runs the background workers (outbox,
# scheduler) unless ANLAN_EMBEDDED_WORKER=false, for a web tier whose `anlan worker` processes do that work.
ANLAN_EMBEDDED_WORKER = _env_bool("ANLAN_EMBEDDED_WORKER", True)
# The scheduler runs the daily jobs once a day after this local hour; turn off when cron runs `anlan daily-jobs`.
ANLAN_DAILY_HOUR = int(os.environ.get("ANLAN_DAILY_HOUR", 1))
ANLAN_DAILY_JOBS_EMBEDDED = _env_bool("ANLAN_DAILY_JOBS_EMBEDDED", True)
# A probe job appending "period pid" to this file every ANLAN_SCHEDULE_PROBE_SECONDS (checks which process
# ran which period; the multi-process scheduling test uses it). Empty = no probe.
ANLAN_SCHEDULE_PROBE = os.environ.get("ANLAN_SCHEDULE_PROBE", "")
ANLAN_SCHEDULE_PROBE_SECONDS = int(os.environ.get("ANLAN_SCHEDULE_PROBE_SECONDS", 2))

ANLAN_MQTT_URL = os.environ.get("ANLAN_MQTT_URL", "")
# CAP: who the warnings are from (sender: no spaces; senderName: as people read it) and the issuing
# organisation's 3-digit code in the identifier (reference §8.3).
ANLAN_CAP_SENDER = os.environ.get("ANLAN_CAP_SENDER", "")
ANLAN_CAP_SENDER_NAME = os.environ.get("ANLAN_CAP_SENDER_NAME", "")
ANLAN_CAP_ORG_CODE = os.environ.get("ANLAN_CAP_ORG_CODE", "000")
# Delivery gateways (the bureau's own, on its network) and the outbox worker's pacing.
ANLAN_SMS_URL = os.environ.get("ANLAN_SMS_URL", "")
ANLAN_VOICE_URL = os.environ.get("ANLAN_VOICE_URL", "")
# The SMS gateway forwards replies to POST /gateway/sms-replies/ with this token in X-Anlan-Gateway-Token;
# when set, responsible persons are told they may reply 1 to acknowledge (叫应). Empty = replies off.
ANLAN_SMS_REPLY_TOKEN = os.environ.get("ANLAN_SMS_REPLY_TOKEN", "")
# 应急广播: the broadcast platform's HTTP gateway (same message format as SMS) for terminals marked HTTP,
# and an MQTT broker (mqtt://host:port) for terminals that subscribe to ANLAN_BROADCAST_TOPIC/<terminal code>.
ANLAN_BROADCAST_URL = os.environ.get("ANLAN_BROADCAST_URL", "")
ANLAN_BROADCAST_MQTT_URL = os.environ.get("ANLAN_BROADCAST_MQTT_URL", "")
ANLAN_BROADCAST_TOPIC = os.environ.get("ANLAN_BROADCAST_TOPIC", "anlan/broadcast")
# The channel a recipient is tried on first and the ones after it, when the person has not chosen
# (registry persons and residents can). Vulnerable residents (老弱病残孕) hear a voice call first.
ANLAN_CHANNEL_ORDER = json.loads(os.environ.get("ANLAN_CHANNEL_ORDER") or "null") or {
    "responsible": "sms,voice",
    "resident": "sms,voice",
    "vulnerable": "voice,sms",
    "enterprise": "sms,voice",
    "subscriber": "sms",
}
# Messages per period each channel may send, shared by all workers (the gateways' contracts): e.g.
# "sms=200/s,voice=30/s,email=20/s". A channel not named is not limited. (Each 企业微信/钉钉 robot takes
# 20 messages a minute; a warning sends one per group, so the channel-wide rate is what matters.)
ANLAN_CHANNEL_RATES = os.environ.get(
    "ANLAN_CHANNEL_RATES", "sms=200/s,voice=30/s,broadcast=20/s,email=20/s,wecom=10/s,dingtalk=10/s"
)
# E-mail through the bureau's SMTP server (warnings to platform users who have an address).
EMAIL_HOST = os.environ.get("ANLAN_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("ANLAN_SMTP_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ANLAN_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ANLAN_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("ANLAN_SMTP_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("ANLAN_MAIL_FROM", "anlan@localhost")
ANLAN_EMAIL_ENABLED = _env_bool("ANLAN_EMAIL_ENABLED")
# 叫应: minutes a responsible person has to acknowledge, per warning level, before a voice call, and as
# long again before their superior is called up. JSON to change, e.g. {"red": 5, "orange": 15, ...}.
ANLAN_ACK_MINUTES = json.loads(os.environ.get("ANLAN_ACK_MINUTES") or "null") or {
    "red": 10,
    "orange": 20,
    "yellow": 30,
    "blue": 60,
}
ANLAN_GATEWAY_TIMEOUT = float(os.environ.get("ANLAN_GATEWAY_TIMEOUT", 10))
ANLAN_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("ANLAN_OUTBOX_MAX_ATTEMPTS", 5))
ANLAN_OUTBOX_LEASE_SECONDS = int(os.environ.get("ANLAN_OUTBOX_LEASE_SECONDS", 120))
# Readings older than this are refused at ingest; raw readings older than the retention are deleted
# by the daily job (hourly rollups are kept).
ANLAN_INGEST_MAX_AGE_DAYS = int(os.environ.get("ANLAN_INGEST_MAX_AGE_DAYS", 30))
ANLAN_READING_RETENTION_DAYS = int(os.environ.get("ANLAN_READING_RETENTION_DAYS", 730))
# The scheduler's queue (huey, core.scheduler) on Redis; empty = SQLite in the data directory.
ANLAN_REDIS_URL = os.environ.get("ANLAN_REDIS_URL", "")

# django-filter's empty choice in list filters (its default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = "全部"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "anlan.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["anlan.core.drf.RolePermission"],
    # One JSON parser for the API: depth-limited and strict (core.safejson); forms and uploads as DRF's.
    "DEFAULT_PARSER_CLASSES": [
        "anlan.core.drf.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "anlan.core.drf.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["anlan.core.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "anlan.core.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "安澜 Anlan API",
    "DESCRIPTION": "县区应急管理综合平台 API (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint and field: it is for logged-in users (session or API token), like the
    # docs page (issue 12, finding 13).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "level", "kind" or "status": give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "anlan.geo.models.RegionLevel",
        "ShelterLevelEnum": "anlan.resources.models.Shelter.Level",
        "ShelterStatusEnum": "anlan.resources.models.Shelter.Status",
        "EquipmentStatusEnum": "anlan.resources.models.Equipment.Status",
        "EquipmentKindEnum": "anlan.resources.models.Equipment.Kind",
        "RescueTeamKindEnum": "anlan.resources.models.RescueTeam.Kind",
        "ShelterCheckKindEnum": "anlan.resources.models.ShelterCheck.Kind",
        "HazardStatusEnum": "anlan.hazards.models.HiddenHazard.Status",
        "HazardLevelEnum": "anlan.hazards.models.HiddenHazard.Level",
        "ColourLevelEnum": "anlan.monitoring.models.LEVEL_CHOICES",
        "HazardSourceEnum": "anlan.hazards.models.HiddenHazard.Source",
        "IncidentSourceEnum": "anlan.incidents.models.Incident.Source",
        "PlanActionLevelEnum": "anlan.plans.models.RESPONSE_CHOICES",
        "StageEnum": "anlan.hazards.models.HazardPhoto.Stage",
        "DisasterReportStageEnum": "anlan.disasters.models.DisasterReport.Stage",
        "DisasterSubmitStageEnum": "anlan.disasters.api.SUBMITTED_STAGES",
        "GradeEnum": "anlan.risk.models.Grade",  # the risk grade keeps its name beside the dike grade
        "DikeGradeEnum": "anlan.flood.rules.DIKE_GRADES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_for_refusals": {"()": "anlan.core.logfilters.NoTracebackForRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # 403/404 are logged as one line, without a traceback (see core/logfilters.py).
    "loggers": {"django.request": {"filters": ["no_traceback_for_refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANLAN_LOG_LEVEL", "WARNING")},
}
