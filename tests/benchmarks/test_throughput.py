"""bench/throughput.py, cached pages beside their static copies under wrk: it runs as docs/performance.md shows."""

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs Debian's wrk")
def test_the_throughput_benchmark_runs_and_prints_its_table():
    command = [".venv/bin/python", "bench/throughput.py", "--pages", "front,sitemap", "--rounds", "1", "--seconds", "1"]
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| front | `/` |" in result.stdout and "| sitemap | `/sitemaps/stories.xml` |" in result.stdout
    assert "load average" in result.stdout and "Targets:" in result.stdout
