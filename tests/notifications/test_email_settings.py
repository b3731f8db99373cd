"""E-mail settings from the environment: EMAIL_URL, else EMAIL_HOST and friends, else the console."""

import subprocess

from tests.helpers.settings_process import run_with_settings


def email_settings(**env: str) -> subprocess.CompletedProcess:
    return run_with_settings(
        "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER,"
        " settings.EMAIL_USE_TLS, sep='|')",
        env={**env, "DEBUG": "1"},
        drop={"EMAIL_*"},
    )


def test_nothing_set_prints_e_mails_on_the_console():
    result = email_settings()
    assert result.stdout.startswith("django.core.mail.backends.console.EmailBackend|"), result.stderr


def test_email_url_configures_smtp():
    result = email_settings(EMAIL_URL="smtp://news%40example.org:pw@mail.example.org:587/?tls=True")
    assert (
        result.stdout.strip()
        == "django.core.mail.backends.smtp.EmailBackend|mail.example.org|587|news@example.org|True"
    )


def test_email_host_and_port_without_a_url():
    result = email_settings(EMAIL_HOST="mail.example.org", EMAIL_PORT="2525")
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend|mail.example.org|2525||False"


def test_a_bad_email_url_is_a_clear_startup_error():
    result = email_settings(EMAIL_URL="mail.example.org")
    assert result.returncode != 0
    assert "EMAIL_URL is not an e-mail URL (unknown scheme" in result.stderr
