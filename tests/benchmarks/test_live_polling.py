"""bench/live_polling.py, polling readers of a live page while an editor posts: its command, so it does not rot."""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # a demo newsroom, gunicorn and an editor of its own
def test_the_command_reports_cpu_per_poll_and_the_time_from_post_to_visible():
    result = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "live_polling.py"),
         "--readers", "40", "--seconds", "8", "--poll", "2", "--every", "2", "--workers", "1", "--threads", "2"],
        cwd=PROJECT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    summary = result.stdout.split("Summary", 1)[1]
    assert "server CPU per poll" in summary and " 0 errors" in summary
    posts = int(summary.split("posts", 1)[1].split()[0])
    assert posts >= 2
    assert "post to visible       p50" in summary and "nan" not in summary.split("post to visible", 1)[1]
