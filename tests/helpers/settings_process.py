"""Settings as a fresh process loads them from its environment, for tests of ``newsroom.settings``.

The test process has its settings loaded once, from the test environment; what another environment gives
can only be seen in a new interpreter. ``run_with_settings`` starts one with the given variables, sets
Django up and runs ``code`` (which may use ``settings``); ``settings_json`` prints an expression as JSON.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterable

from .paths import PROJECT


def run_with_settings(code: str, *, env: dict[str, str], drop: Iterable[str] = ()) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a new interpreter, with this process's environment minus the
    variables in ``drop`` (names, or prefixes ending in ``*``), plus ``env``."""
    exact = {name for name in drop if not name.endswith("*")}
    prefixes = tuple(name[:-1] for name in drop if name.endswith("*"))
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in exact and not (prefixes and key.startswith(prefixes))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    script = f"import django, json, logging; django.setup(); from django.conf import settings\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60
    )


def settings_json(expression: str, **env: str) -> object:
    """The JSON value of ``expression`` (e.g. ``settings.DATABASES``) in a debug process with ``env``."""
    result = run_with_settings(f"print(json.dumps({expression}, default=str))", env={"DEBUG": "1", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
