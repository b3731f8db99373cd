"""``EMAIL_URL`` to Django's e-mail settings, e.g. ``smtp://user:pass@host:587/?tls=True``.

Parsed here with ``urllib`` rather than with dj-email-url, whose last release was in 2022: the
handful of lines below is all the project needs, and they are tested (tests/common/test_email_url.py).
"""

from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_TRUE = {"1", "true", "yes", "on"}


def email_settings(url: str) -> dict:
    """Django's ``EMAIL_*`` settings for ``url``; ``ValueError`` with the reason if it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in BACKENDS:
        raise ValueError(f"unknown scheme {parts.scheme!r}; use one of {', '.join(sorted(BACKENDS))}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    config = {"EMAIL_BACKEND": BACKENDS[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ValueError("an SMTP URL needs a host, e.g. smtp://user:pass@mail.example.org:587/?tls=True")
        config |= {
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": query.get("tls", "").lower() in _TRUE,
            "EMAIL_USE_SSL": parts.scheme == "smtps" or query.get("ssl", "").lower() in _TRUE,
        }
        if config["EMAIL_USE_TLS"] and config["EMAIL_USE_SSL"]:
            raise ValueError("choose tls (STARTTLS) or ssl (smtps), not both")
    return config
