"""Embeds: which addresses in a story body may become a provider's frame, and which frame.

The providers are a setting (``EMBED_PROVIDERS``, see newsroom/settings.py). An address becomes an
embed only when everything about it is plain: an http(s) scheme, no user name or password, no port
but the usual ones, no spaces, control characters or backslashes, a host that is *exactly* one of
the provider's hosts (``youtube.com.evil.example`` is not ``youtube.com``), and a path one of its
patterns recognises. The frame's address is then built from the provider's template and the few
characters the pattern captured, never copied from the writer, and must land on the provider's
frame host. Anything else stays a link.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

# What a captured part of an address may hold before it goes into a frame address or a title.
SAFE_PART = re.compile(r"^[A-Za-z0-9_.@-]{1,100}$")
PLAIN_URL = re.compile(r"^https?://[^\s\\\x00-\x1f\x7f\"<>`]+$", re.IGNORECASE)
SHAPES = {"video", "audio", "post", "chart"}


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    hosts: frozenset[str]
    patterns: tuple[re.Pattern, ...]
    frame: str
    frame_host: str
    title: str
    shape: str


@dataclass(frozen=True)
class Embed:
    """One embed as readers get it: the original address, the frame asked for only on a click."""

    provider: Provider
    url: str
    frame_url: str
    frame_host: str
    title: str
    parts: dict

    @property
    def is_video(self) -> bool:
        return self.provider.shape == "video"


# Compiled providers, for the configuration they were compiled from (tests change the setting).
_compiled: dict[str, tuple[Provider, ...]] = {}


def providers() -> tuple[Provider, ...]:
    """The configured providers, compiled once per configuration."""
    configuration = settings.EMBED_PROVIDERS
    key = repr(configuration)
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = tuple(
            Provider(
                key=name,
                name=rule["name"],
                hosts=frozenset(host.lower() for host in rule["hosts"]),
                patterns=tuple(re.compile(pattern) for pattern in rule["patterns"]),
                frame=rule["frame"],
                frame_host=rule["frame_host"],
                title=rule.get("title", ""),
                shape=rule.get("shape") if rule.get("shape") in SHAPES else "post",
            )
            for name, rule in configuration.items()
        )
        if len(_compiled) > 8:  # only tests change the setting; never let that grow
            _compiled.clear()
        _compiled[key] = compiled
    return compiled


def find_embed(url: str) -> Embed | None:
    """The embed ``url`` makes, or None when it is not a plain address of an allowed provider."""
    if not PLAIN_URL.match(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return None
    if port not in (None, 80, 443) or not host or host.endswith("."):
        return None
    address = host + parts.path + (f"?{parts.query}" if parts.query else "")
    for provider in providers():
        if host not in provider.hosts:
            continue
        for pattern in provider.patterns:
            match = pattern.match(address)
            if match is None:
                continue
            captured = {key: value for key, value in match.groupdict().items() if value is not None}
            if not all(SAFE_PART.match(value) for value in captured.values()):
                return None
            captured["server"] = captured.get("server", host)
            if not SAFE_PART.match(captured["server"]):
                return None
            frame_url = provider.frame.format(url=quote(url, safe=""), **captured)
            frame_host = provider.frame_host.format(**captured)
            frame = urlsplit(frame_url)
            if frame.scheme != "https" or frame.hostname != frame_host or "@" in frame.netloc:
                return None
            title = provider.title.format(**captured) if provider.title else ""
            return Embed(provider, url, frame_url, frame_host, title, captured)
        return None
    return None
