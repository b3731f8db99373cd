"""``PORT=8765 make run`` on a fresh checkout: what it prints before serving, run as make would run it."""

import os
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PORT = "8765"

pytestmark = pytest.mark.slow  # migrates and loads the demo in processes of its own


def make_run_commands(port: str) -> list[str]:
    """The manage.py commands ``PORT=<port> make run`` runs, as ``make -n`` prints them."""
    printed = subprocess.run(
        ["make", "-n", "run"],
        cwd=PROJECT,
        env={**os.environ, "PORT": port},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [line for line in printed.stdout.splitlines() if "manage.py" in line]


@pytest.fixture(scope="module")
def setup_output(tmp_path_factory) -> dict[str, str]:
    """Each command before ``runserver`` run through the shell, as make runs it, on a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("make-run")
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SITE_URL"}}
    environment.update(DATABASE_URL=f"sqlite:///{folder / 'newsroom.sqlite3'}", MEDIA_ROOT=str(folder / "media"))
    outputs = {}
    for command in make_run_commands(PORT):
        if "runserver" in command:
            continue
        result = subprocess.run(
            ["bash", "-c", command], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
        outputs[command.split("manage.py ")[1].split()[0]] = result.stdout + result.stderr
    return outputs


def test_make_run_serves_on_its_port_and_prints_the_logins_for_that_port(setup_output):
    assert make_run_commands(PORT)[-1].endswith(f"runserver 127.0.0.1:{PORT}")
    assert f"Demo logins for http://127.0.0.1:{PORT}/admin/ (local use only):" in setup_output["load_demo"]
    assert ":8000" not in setup_output["load_demo"]


def test_the_first_sqlite_migrate_prints_no_warning(setup_output):
    assert "Applying articles.0001" in setup_output["migrate"]
    assert "WARNING" not in setup_output["migrate"].upper(), setup_output["migrate"]
    assert "W040" not in setup_output["migrate"]


def test_make_run_plans_todays_desk_with_e_mail_addresses(setup_output):
    assert "created e-mail address for editor" in setup_output["load_demo_desk"]
    assert "created plan “Council votes on the bridge budget”" in setup_output["load_demo_desk"]
