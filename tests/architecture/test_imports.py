"""Every project module imports on its own: no import circle hidden by the order modules happen to load in.

Each module is imported first, in a process of its own forked from one where only Django and the
settings are loaded, so no other project module has been imported before it. A module that reads
the app registry at import time (models, admin, views) is then imported again right after
``django.setup()``, as Django imports it; either way a circle shows as "partially initialized module".
"""

import subprocess
import sys
import textwrap

import pytest

from tests.helpers.paths import PROJECT

APPS = ["newsroom", "common", "images", "articles", "authors", "operations"]

# Run in a process of its own: the test process has every module loaded already.
CHECK = textwrap.dedent(
    """
    import importlib, os, sys, traceback
    from pathlib import Path

    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django
    from django.conf import settings
    from django.core.exceptions import AppRegistryNotReady

    settings.INSTALLED_APPS  # the settings only: they are the one project module loaded before each

    def modules():
        for app in sys.argv[1:]:
            for path in sorted(Path(app).rglob("*.py")):
                parts = path.with_suffix("").parts
                yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def attempt(name):
        try:
            importlib.import_module(name)
        except AppRegistryNotReady:
            django.setup()
            importlib.import_module(name)

    failures = 0
    for name in modules():
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                attempt(name)
                code = 0
            except BaseException:
                os.write(write, traceback.format_exc().encode())
                code = 1
            os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            message = pipe.read().decode()
        _, status = os.waitpid(pid, 0)
        if status:
            failures += 1
            print(f"--- {name}\\n{message}")
    print(f"{failures} failed")
    sys.exit(1 if failures else 0)
    """
)


@pytest.mark.slow  # a process per module: about 20 s
def test_every_project_module_imports_on_its_own():
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *APPS],
        cwd=PROJECT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "SECRET_KEY": "tests-only-" + "x" * 50},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
