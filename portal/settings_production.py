"""Production settings: the development ones, hardened; refuses to start without its secrets."""

from __future__ import annotations

from portal.core.env import env_bool, env_int, env_list, env_str

# Checked before the development settings load, so that a missing variable stops start-up with
# a clear message before anything is generated (a secret key, a SQLite file).
_REQUIRED = {
    "DJANGO_SECRET_KEY": "a long random string that signs sessions",
    "DJANGO_ALLOWED_HOSTS": "the host names the portal answers to, comma-separated",
    "DATABASE_URL": "the portal's database, e.g. postgres://user:password@host:5432/portal",
}
for _name, _hint in _REQUIRED.items():
    env_str(_name, hint=_hint)

# The development settings read the variables above from the environment too.
from portal.settings import *  # noqa: E402, F403
from portal.settings import ALLOWED_HOSTS, BASE_DIR, CONTENT_SECURITY_POLICY  # noqa: E402

DEBUG = False
# What `manage.py collectstatic` gathers and WhiteNoise serves.
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    [f"https://{host}" for host in ALLOWED_HOSTS if host != "*" and not host.startswith(".")],
)

# TLS ends at a proxy in front of the portal, which says which scheme the browser used.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Everything over TLS: 'self' then means the portal's own https:// and wss:// only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "upgrade-insecure-requests": True,
    },
}
