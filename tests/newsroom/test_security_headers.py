"""Deployment hardening: security headers on every reader page, cached or not, and the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("attempt", ["first (rendered)", "second (from the page cache)"])
def test_reader_pages_carry_the_security_headers(client, story, attempt):
    client.get(story.get_absolute_url())
    response = client.get(story.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_reader_pages_have_no_inline_script_but_data_blocks(client, story):
    import re

    html = client.get(story.get_absolute_url()).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="application/ld+json"' in tag or "src=" in tag, tag


def test_production_settings_pass_the_deploy_checks_at_warning_level():
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}},
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-value-for-the-check-only-" + "z" * 10,
        "ALLOWED_HOSTS": "news.example",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
