"""bench/server_time.py, server time of pages as docs/performance.md shows it: it runs, so it does not rot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # child processes that migrate a throwaway database and collect static files
def test_the_command_times_an_admin_list_and_a_search_as_an_editor(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'server_time.sqlite3'}", "DEBUG": "1"}
    env.pop("SECRET_KEY", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT, env=env, check=True, timeout=300)
    env.pop("DEBUG")
    command = [sys.executable, "bench/server_time.py", "/admin/articles/storyinreview/", "/search/?q=floods",
               "--requests", "2"]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for path in ("/admin/articles/storyinreview/", "/search/?q=floods"):
        assert f"{path}\n  first " in result.stdout, result.stdout + result.stderr[-2000:]
    assert "ms wall" in result.stdout and "ms CPU" in result.stdout and "queries" in result.stdout
    assert "answers" not in result.stderr  # every page answered 200, the admin's too
