"""Where the project is, for tests that run its commands."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
