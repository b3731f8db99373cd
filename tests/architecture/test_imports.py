"""Every project module imports on its own, as the first of the project's modules: no hidden import circle.

A circle between two modules (``a`` imports ``b``, ``b`` imports a name from ``a``)
can go unnoticed for as long as something always imports them in the one order
that works, until a new entry point (a command, a test, a worker) imports the
other first and fails with "partially initialized module". So each module is
imported here with no other project module loaded: a subprocess sets
Django up once, then forks a child per module, which forgets every project
module and imports just that one (its imports follow, in its own order).

The app registry stays ready in each child, as in any real entry point after
``django.setup()``; models imported again re-register under the same names, which
Django allows with a warning (silenced here).

Run by hand: ``.venv/bin/python tests/architecture/test_imports.py articles`` (or ``--all``).
"""

import argparse
import importlib
import os
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The project's own packages (docs/architecture.md); bench/ and tests/ are scripts and checks, not layers.
PACKAGES = ("newsroom", "operations", "articles", "authors", "media_library", "images", "pagecache", "common")


def modules_of(package: str, root: Path = ROOT) -> list[str]:
    """Dotted names of every module of ``package`` (its ``.py`` files, packages by their ``__init__``)."""
    names = []
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def import_each_alone(modules: list[str], packages: tuple[str, ...]) -> list[tuple[str, str]]:
    """Import each of ``modules`` in a forked child that first forgets every module of ``packages``.

    Returns (module, traceback) for each that failed.
    """
    failures = []
    for name in modules:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report through the pipe, never return into the parent's code
            os.close(read)
            status = 0
            try:
                for loaded in [m for m in sys.modules if m.split(".")[0] in packages]:
                    del sys.modules[loaded]
                importlib.import_module(name)
            except BaseException:
                os.write(write, traceback.format_exc().encode())
                status = 1
            os.close(write)
            os._exit(status)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            report = pipe.read().decode()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            failures.append((name, report or f"exit status {status}"))
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="packages whose modules to import (default: --all)")
    parser.add_argument("--all", action="store_true", help="every project package")
    parser.add_argument("--root", type=Path, default=ROOT, help="where the packages are")
    parser.add_argument("--no-django", action="store_true", help="do not set Django up first")
    args = parser.parse_args(argv)
    packages = tuple(args.packages) if args.packages and not args.all else PACKAGES
    sys.path.insert(0, str(args.root))
    if not args.no_django:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        if "SECRET_KEY" not in os.environ:
            os.environ.setdefault("DEBUG", "1")  # run by hand: development settings (tests set a key)
        django.setup()
    warnings.filterwarnings("ignore", message=r"Model '.*' was already registered", category=RuntimeWarning)
    modules = [name for package in packages for name in modules_of(package, args.root)]
    failures = import_each_alone(modules, PACKAGES + packages)
    for name, report in failures:
        print(f"--- {name} does not import on its own:\n{report}", file=sys.stderr)
    print(f"{len(modules) - len(failures)} of {len(modules)} modules import on their own.")
    return 1 if failures else 0


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow  # about 15 s: a fork per module
def test_every_module_imports_on_its_own():
    result = run("--all")  # one subprocess: Django is set up once, each module is a fork of it
    assert result.returncode == 0, result.stderr
    count = sum(len(modules_of(package)) for package in PACKAGES)
    assert count > 100
    assert f"{count} of {count} modules import on their own." in result.stdout


def test_a_circle_hidden_by_the_usual_import_order_is_caught(tmp_path):
    # `first` is what every entry point happens to import first, and it works that way round;
    # importing `second` first fails, because `first` needs a name `second` has not defined yet.
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from circled.second import SECOND\n\nFIRST = SECOND + 1\n")
    (package / "second.py").write_text("from circled import first  # noqa\n\nSECOND = 1\n")
    result = run("circled", "--no-django", "--root", str(tmp_path))
    assert result.returncode == 1
    assert "circled.second does not import on its own" in result.stderr
    assert "partially initialized module 'circled.second'" in result.stderr
    assert "2 of 3 modules import on their own." in result.stdout


def test_import_linter_contracts_are_kept():
    """The layers of docs/architecture.md (pyproject.toml), so that `make test` catches a wrong import too."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


if __name__ == "__main__":
    sys.exit(main())
