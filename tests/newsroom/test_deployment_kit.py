"""The deployment kit as committed: nginx's site, the systemd units and their environment file, the
container files and gunicorn's settings, each checked by the tool that will read it in production.

Tools that are not installed skip their test, except where REQUIRE_DEPLOY_TOOLS is set (CI sets it
and installs them): there a missing tool fails. scripts/rehearse-production runs all of it for real.
"""

import importlib.machinery
import importlib.util
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from images.uploads import MAX_UPLOAD_BYTES

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"


def require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        message = f"{tool} is not installed (see .ci/run for the Debian packages)."
        if os.environ.get("REQUIRE_DEPLOY_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def rehearsal():
    """scripts/rehearse-production as a module: it renders the nginx files the rehearsal runs."""
    loader = importlib.machinery.SourceFileLoader("rehearse_production", str(PROJECT / "scripts/rehearse-production"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


# --- nginx -------------------------------------------------------------------------------------------


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = require("nginx")
    script = rehearsal()
    temporary = ("body", "proxy", "fastcgi", "uwsgi", "scgi")
    for folder in ("run", "logs", *(f"nginx-temp/{name}" for name in temporary)):
        (tmp_path / folder).mkdir(parents=True)
    script.certificate(tmp_path)
    (tmp_path / "newsroom.conf").write_text(
        script.nginx_site(tmp_path, 8443, 8080, tmp_path / "static", tmp_path / "media")
    )
    (tmp_path / "nginx.conf").write_text(script.nginx_main(tmp_path))
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_rehearsal_runs_the_committed_site_with_only_paths_and_ports_moved(tmp_path):
    committed = (DEPLOY / "nginx/newsroom.conf").read_text()
    rendered = rehearsal().nginx_site(tmp_path, 8443, 8080, tmp_path / "static", tmp_path / "media")
    moved = [line for line in committed.splitlines() if line not in rendered.splitlines()]
    assert all(
        re.search(r"listen |/srv/newsroom/|/run/newsroom/|/etc/newsroom/tls/|/var/log/nginx/", line) for line in moved
    ), moved


def test_the_nginx_site_does_what_the_readme_says():
    site = (DEPLOY / "nginx/newsroom.conf").read_text()
    # Only Unix sockets upstream: gunicorn is reachable through nginx alone.
    assert re.findall(r"^\s*server (unix:\S+|\d\S+)", site, flags=re.M) == [
        "unix:/run/newsroom/web-1.sock",
        "unix:/run/newsroom/web-2.sock",
    ]
    for header in ("Host $http_host", "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in site
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert MAX_UPLOAD_BYTES < limit * 1024 * 1024 <= MAX_UPLOAD_BYTES + 4 * 1024 * 1024
    for location in ("/static/", "/media/"):
        block = site.split(f"location {location} {{", 1)[1].split("}", 1)[0]
        assert 'Cache-Control "public, max-age=31536000, immutable"' in block
    assert "gzip on;" in site and "brotli on;" in site and "brotli_static on;" in site
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site
    assert "return 301 https://" in site


# --- systemd -------------------------------------------------------------------------------------------


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = require("systemd-analyze")
    # A root of its own: the units' programs where the units expect them, and systemd's own units.
    for program in ("gunicorn", "celery"):
        path = tmp_path / "srv/newsroom/app/.venv/bin" / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (tmp_path / "bin").mkdir()
    shutil.copy("/bin/kill", tmp_path / "bin/kill")
    for system in ("lib/systemd/system", "usr/lib/systemd/system"):
        if Path("/", system).is_dir():
            shutil.copytree(Path("/", system), tmp_path / system, symlinks=True, dirs_exist_ok=True)
    units = tmp_path / "etc/systemd/system"
    units.mkdir(parents=True)
    for unit in (DEPLOY / "systemd").glob("*.service"):
        shutil.copy(unit, units / unit.name)
    shutil.copy(units / "newsroom-web@.service", units / "newsroom-web@1.service")
    checked = [units / name for name in ("newsroom-web@1.service", "newsroom-worker.service", "newsroom-beat.service")]
    result = subprocess.run(
        [analyze, "verify", f"--root={tmp_path}", *map(str, checked)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_environment_file_passes_the_deploy_check():
    variables = dict(
        line.split("=", 1)
        for line in (DEPLOY / "systemd/newsroom.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert variables["SECRET_KEY"].startswith("replace-with"), "the example never carries a key"
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    shell = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env={**shell, **variables}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# --- Containers ------------------------------------------------------------------------------------------


def test_compose_yaml_is_valid_and_only_nginx_is_published():
    compose = require("docker-compose")
    env = {**os.environ, "SECRET_KEY": "x" * 50, "SITE_HOST": "news.example", "POSTGRES_PASSWORD": "checked"}
    result = subprocess.run([compose, "-f", str(PROJECT / "compose.yaml"), "config"], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    import yaml  # docker-compose's own dependency; only read here

    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"migrate", "web1", "web2", "worker", "beat", "nginx", "db", "redis"}
    assert [name for name, service in services.items() if service.get("ports")] == ["nginx"]
    assert services["web1"]["environment"]["GUNICORN_BIND"] == "unix:/run/newsroom/web-1.sock"
    assert services["web2"]["environment"]["GUNICORN_BIND"] == "unix:/run/newsroom/web-2.sock"
    missing = subprocess.run([compose, "-f", str(PROJECT / "compose.yaml"), "config", "-q"],
                             env={k: v for k, v in env.items() if k != "SECRET_KEY"},
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.returncode != 0 and "set SECRET_KEY in .env" in missing.stderr


def test_the_dockerfile_builds_static_files_and_runs_as_a_user_that_owns_nothing():
    dockerfile = (PROJECT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, flags=re.M)
    assert stages == ["build", "proxy", "app"]  # the last, the app, is what `docker build .` makes
    build, app = dockerfile.split("AS proxy")[0], dockerfile.split("AS app")[1]
    assert "manage.py collectstatic --no-input" in build
    assert re.search(r"^USER newsroom$", app, flags=re.M)
    assert 'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "newsroom.wsgi"]' in app
    assert "HEALTHCHECK" in app and "deploy/healthcheck.py" in app
    ignored = (PROJECT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "/media", "/deploy/tls"} <= set(ignored)


# --- gunicorn ---------------------------------------------------------------------------------------------


def gunicorn_settings(**env: str) -> dict:
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_gunicorn_listens_on_loopback_by_default_and_names_its_control_socket_after_its_socket(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    defaults = gunicorn_settings()
    assert defaults["bind"] == ["127.0.0.1:8000"] and defaults["workers"] == 2
    assert defaults["control_socket"] == "run/gunicorn-8000.ctl"
    on_socket = gunicorn_settings(GUNICORN_BIND="unix:/run/newsroom/web-2.sock", WEB_CONCURRENCY="3")
    assert on_socket["control_socket"] == "/run/newsroom/web-2.ctl" and on_socket["workers"] == 3
    assert not re.search(r"0\.0\.0\.0", (DEPLOY / "gunicorn.conf.py").read_text())


@pytest.mark.slow  # a gunicorn server
def test_the_containers_health_check_asks_gunicorn_on_its_socket(tmp_path):
    sock = tmp_path / "web-1.sock"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "GUNICORN_BIND": f"unix:{sock}",
        "WEB_CONCURRENCY": "1",
        "SECURE_SSL_REDIRECT": "1",
    }
    check = [sys.executable, str(DEPLOY / "healthcheck.py")]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "newsroom.wsgi"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sock.exists() and subprocess.run(check, env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        assert subprocess.run(check, env=env, capture_output=True, text=True).returncode == 0
        assert oct(sock.stat().st_mode & 0o777) == "0o770"  # the group nginx runs as, nobody else
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    stopped = subprocess.run(check, env=env, capture_output=True, text=True)
    assert stopped.returncode == 1 and "unhealthy" in stopped.stderr
    with pytest.raises(OSError):
        socket.socket(socket.AF_UNIX).connect(str(sock))
