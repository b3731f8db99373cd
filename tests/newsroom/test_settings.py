"""Settings come from the environment, with safe defaults and clear errors."""

import subprocess

import pytest

from tests.helpers.settings_process import run_with_settings


def load_settings(**env: str) -> subprocess.CompletedProcess:
    return run_with_settings(
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.SITE_NAME, settings.ALLOWED_HOSTS,"
        " sep='|')",
        env=env,
        drop={"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_NAME"},
    )


def test_missing_secret_key_with_debug_off_is_a_clear_startup_error():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_local_defaults_are_sqlite_and_buna_times():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    debug, engine, site_name, hosts = result.stdout.strip().split("|")
    assert debug == "True"
    assert engine == "django.db.backends.sqlite3"
    assert site_name == "Buna Times"
    assert "localhost" in hosts


def test_environment_overrides_defaults():
    result = load_settings(
        SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijkl",
        DATABASE_URL="postgres://user:pw@db.example:5432/news",
        SITE_NAME="Other Gazette",
        ALLOWED_HOSTS="news.example, www.news.example",
    )
    assert result.returncode == 0, result.stderr
    debug, engine, site_name, hosts = result.stdout.strip().split("|")
    assert (debug, engine, site_name) == ("False", "common.postgresql", "Other Gazette")
    assert hosts == "['news.example', 'www.news.example']"


def test_an_empty_database_url_means_the_sqlite_default():
    result = load_settings(DEBUG="1", DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("|")[1] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("url", ["mysq://user@host/db", "not a url"])
def test_a_malformed_database_url_is_a_clear_startup_error(url):
    result = load_settings(DEBUG="1", DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_refused_with_its_name(value):
    result = load_settings(DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize("weak", ["short", "x" * 60, "django-insecure-" + "abcdefghij" * 5])
def test_a_weak_secret_key_with_debug_off_is_refused_at_startup(weak):
    result = load_settings(SECRET_KEY=weak)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def logged_line(**env: str) -> subprocess.CompletedProcess:
    return run_with_settings(
        "logging.getLogger('newsroom.test').warning('Replica %s lost', 'r1')",
        env={**env, "DEBUG": "1"},
        drop={"SECRET_KEY", "DEBUG", "LOG_FORMAT"},
    )


def test_log_lines_are_text_by_default_and_json_objects_with_log_format_json():
    import json

    text = logged_line()
    assert text.returncode == 0, text.stderr
    assert text.stderr.strip().endswith("WARNING newsroom.test: Replica r1 lost")
    as_json = logged_line(LOG_FORMAT="json")
    assert as_json.returncode == 0, as_json.stderr
    (line,) = as_json.stderr.strip().splitlines()
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == ("WARNING", "newsroom.test", "Replica r1 lost")
    assert entry["time"]


def test_an_unknown_log_format_is_a_clear_startup_error():
    result = logged_line(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT is 'xml'; it must be text or json." in result.stderr
