"""The README's production recipe, run as written: its deploy check, and its gunicorn command."""

import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.servers import free_port

PROJECT = Path(__file__).resolve().parents[2]


def recipe() -> list[str]:
    """The commands of the README's Deployment recipe, one per line (continuations joined)."""
    deployment = (PROJECT / "README.md").read_text().split("\n## Deployment\n", 1)[1]
    block = deployment.split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def recipe_environment() -> dict[str, str]:
    """A login shell's basics and exactly the variables the recipe exports, with a real key for its placeholder.

    Nothing else from the tests' own environment leaks in (pytest-env's key, the browser tests' switches).
    """
    (export,) = [line for line in recipe() if line.startswith("export ")]
    variables = dict(assignment.split("=", 1) for assignment in shlex.split(export)[1:])
    assert variables["SECRET_KEY"] == "…", "the recipe shows a placeholder, never a key"
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    shell = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {**shell, **variables}


def recipe_command(starting: str) -> str:
    (command,) = [line for line in recipe() if line.startswith(starting)]
    return command


def test_the_recipe_passes_its_own_deploy_check_as_written():
    command = recipe_command(".venv/bin/python manage.py check --deploy")
    assert command.endswith("--fail-level WARNING")
    result = subprocess.run(
        shlex.split(command), cwd=PROJECT, env=recipe_environment(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_leaving_out_the_hsts_decisions_brings_back_the_reminders():
    environment = recipe_environment()
    del environment["SECURE_HSTS_INCLUDE_SUBDOMAINS"], environment["SECURE_HSTS_PRELOAD"]
    result = subprocess.run(
        shlex.split(recipe_command(".venv/bin/python manage.py check --deploy")),
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr


def controlled_pid(socket_path: Path) -> int | None:
    """The pid of the gunicorn that answers on this control socket, if one does."""
    result = subprocess.run(
        [str(PROJECT / ".venv/bin/gunicornc"), "-s", str(socket_path), "-c", "show stats", "-j"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return json.loads(result.stdout)["pid"] if result.returncode == 0 else None


def wait_for_control(socket_path: Path, pid: int) -> None:
    deadline = time.monotonic() + 30
    while controlled_pid(socket_path) != pid and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.mark.slow  # two gunicorn servers
def test_two_instances_started_as_documented_keep_their_own_control_sockets(tmp_path):
    documented = recipe_command(".venv/bin/gunicorn ")
    port_in_recipe = re.search(r"--bind \S+:(\d+)", documented).group(1)
    named = re.search(r"--control-socket (\S+)", documented)
    # Without one in the command, gunicorn's default: $XDG_RUNTIME_DIR/gunicorn.ctl.
    environment = {**recipe_environment(), "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"  # the app is never asked here
    environment.pop("DATABASE_POOL_SIZE")
    instances = []
    try:
        for _ in range(2):
            port = str(free_port())
            command = documented.replace(port_in_recipe, port).replace("0.0.0.0:", "127.0.0.1:")
            path = PROJECT / named.group(1).replace(port_in_recipe, port) if named else tmp_path / "gunicorn.ctl"
            process = subprocess.Popen(
                shlex.split(command), cwd=PROJECT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            instances.append((process, path))
            wait_for_control(path, process.pid)
        for process, path in instances:
            assert controlled_pid(path) == process.pid
        assert not list(tmp_path.rglob("*.ctl")), "nothing uses the shared default socket"

        (first, _), (second, second_socket) = instances
        first.send_signal(signal.SIGTERM)
        first.wait(30)
        assert controlled_pid(second_socket) == second.pid  # stopping one left the other's socket alone

        # The README's gunicornc command, for the instance still running.
        readme = (PROJECT / "README.md").read_text()
        shown = re.search(r'`(\.venv/bin/gunicornc -s \S+ -c "[^"]+")`', readme).group(1)
        port = re.search(r":(\d+)", " ".join(second.args)).group(1)
        result = subprocess.run(
            shlex.split(shown.replace(port_in_recipe, port)), cwd=PROJECT, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Total: 2 workers" in result.stdout  # the recipe's --workers 2, of the instance asked
    finally:
        for process, _ in instances:
            if process.poll() is None:
                process.terminate()
                process.wait(30)
