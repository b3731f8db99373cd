"""bench/instructions.py, the instruction-count benchmark: its pages, its layer split and its command.

The benchmark itself runs for minutes under valgrind; these tests run its page list and its
machinery cheaply (no valgrind but for one small check) so that neither can rot unnoticed.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import QuerySet
from django.template import base
from django.test import Client

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "bench" / "instructions.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_instructions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


instructions = _load_benchmark()


class RecordingCallgrind:
    """Stands in for callgrind's client requests: remembers whether it would be collecting."""

    def __init__(self) -> None:
        self.collecting = False

    def toggle_collect(self) -> None:
        self.collecting = not self.collecting


@pytest.fixture
def demo(db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the benchmark measures uncached renders
    call_command("load_demo", accounts=False, verbosity=0)


def test_every_page_type_is_found_and_renders_with_its_queries_counted(demo):
    keys = [page_type.key for page_type in instructions.PAGE_TYPES]
    paths = instructions.find_paths(keys)
    assert list(paths) == keys
    pages = [instructions.Page(key, path) for key, path in paths.items()]
    instructions.survey(Client(), pages, warmup=1)
    for page in pages:
        assert page.status == 200, page.path
        assert page.queries >= 1 and page.bytes > 0, page.path
        over = page.type.max_queries is not None and page.queries > page.type.max_queries
        assert any("queries" in miss for miss in page.misses()) == over, page.path


def test_the_story_measured_is_the_one_with_an_image_and_the_most_tags(demo):
    from articles.models import Article

    story = Article.objects.published().get(slug__startswith="ukraine-is-closer-to-nato")  # the sample story, five tags
    assert instructions.find_paths(["story"]) == {"story": story.get_absolute_url()}


def test_a_page_misses_its_targets_on_instructions_queries_or_a_failing_status():
    story = instructions.Page("story", "/world/x/", status=200, queries=4, instructions=20_000_000)
    assert story.misses() == []
    story.instructions, story.queries = 20_000_001, 5
    assert story.misses() == ["story: 20.0M instructions > 20M", "story: 5 queries > 4"]
    assert instructions.Page("corrections", "/corrections/", status=500).misses() == [
        "corrections answers 500, not 200"
    ]


def test_layer_switch_collects_exactly_while_the_chosen_layer_is_on_top():
    callgrind = RecordingCallgrind()
    switch = instructions.LayerSwitch(callgrind)
    seen: list[tuple[str, bool]] = []

    def driver():
        seen.append(("driver", callgrind.collecting))

    def rows():
        yield callgrind.collecting
        in_driver()
        yield callgrind.collecting

    in_driver = switch.wrap(instructions.DRIVER, driver)
    in_orm_rows = switch.wrap(instructions.ORM, rows)

    def orm():
        seen.append(("orm", callgrind.collecting))
        in_driver()
        in_orm()  # the same layer again: nothing turns
        seen.append(("orm", callgrind.collecting))

    in_orm = switch.wrap(instructions.ORM, lambda: None)

    def template():
        seen.append(("template", callgrind.collecting))
        switch.call(instructions.ORM, orm)
        seen.append(("template", callgrind.collecting))

    switch.call(instructions.TEMPLATES, template)  # nothing chosen yet: nothing collected, nothing turned
    assert all(not collecting for _, collecting in seen) and switch.toggles == 0
    seen.clear()
    switch.collected = instructions.ORM
    switch.call(instructions.TEMPLATES, template)
    assert seen == [
        ("template", False), ("orm", True), ("driver", False), ("orm", True), ("template", False)
    ]  # fmt: skip
    assert not callgrind.collecting and switch.toggles == 4
    # A generator runs in its layer at each step, whoever iterates it.
    assert list(in_orm_rows()) == [True, True] and not callgrind.collecting


@pytest.mark.slow  # renders every page once per layer
def test_split_wrappers_reach_every_layer_and_come_off_again(demo):
    client = Client()
    paths = instructions.find_paths([page_type.key for page_type in instructions.PAGE_TYPES])
    for path in paths.values():
        client.get(path)  # the related managers and the template cache exist after a first render
    originals = (QuerySet.filter, QuerySet.__iter__, base.Template.render)
    switch = instructions.LayerSwitch(RecordingCallgrind())
    switch.install(client)
    try:
        entered = {}
        for layer in instructions.LAYERS:
            switch.collected, switch.toggles = layer, 0
            for path in paths.values():
                assert switch.call(instructions.TEST_CLIENT, client.get, path).status_code == 200
            entered[layer] = switch.toggles
    finally:
        switch.restore()
    assert [layer for layer, toggles in entered.items() if not toggles] == []
    assert (QuerySet.filter, QuerySet.__iter__, base.Template.render) == originals
    assert switch.stack == [instructions.OUTSIDE]


def test_bad_arguments_are_refused_with_the_reason(capsys):
    for arguments, reason in (
        (["--renders", "0"], "--renders must be at least 1"),
        (["--pages", "story,frontpage"], "not frontpage"),
        (["--stories", "-1"], "--stories must be 0 or more"),
    ):
        with pytest.raises(SystemExit) as raised:
            instructions.parse_arguments([*arguments, "--dry-run"])
        assert raised.value.code == 2
        assert reason in capsys.readouterr().err


@pytest.mark.slow  # the benchmark's command, run end to end
def test_dry_run_renders_every_page_and_check_fails_exactly_on_a_missed_target(tmp_path):
    """The command as the Makefile runs it, on a throwaway SQLite file (no valgrind: --dry-run)."""
    figures = tmp_path / "figures.json"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--dry-run", "--check", "--stories", "20", "--warmup", "1",
         "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}", "--json", str(figures)],
        env=env, cwd=PROJECT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "Preparing" in result.stdout and "| Page |" in result.stdout, result.stdout + result.stderr
    pages = json.loads(figures.read_text())
    assert [page["key"] for page in pages] == [page_type.key for page_type in instructions.PAGE_TYPES]
    assert all(page["status"] == 200 for page in pages), pages
    limits = {page_type.key: page_type.max_queries for page_type in instructions.PAGE_TYPES}
    missed = [page for page in pages if limits[page["key"]] is not None and page["queries"] > limits[page["key"]]]
    assert result.returncode == (1 if missed else 0), result.stdout + result.stderr
    assert ("all met" in result.stdout) == (not missed)


# Measures the same work twice and split into two layers, under callgrind: the instrument itself.
UNDER_CALLGRIND = """
import json, sys
sys.path.insert(0, {bench!r})
import bench_instructions_under_test as bench

callgrind = bench.Callgrind({library!r})
switch = bench.LayerSwitch(callgrind)
work = lambda n: sum(i * i for i in range(n))
inner = switch.wrap("inner", work)
outer = lambda: (work(20000), inner(10000))
callgrind.start_instrumentation()
for layer in ("outer", "outer", "inner"):
    switch.collected = layer
    switch.call("outer", outer)
    callgrind.dump(layer)
"""


@pytest.mark.slow  # under callgrind
@pytest.mark.skipif(not (shutil.which("valgrind") and shutil.which("cc")), reason="needs valgrind and a C compiler")
def test_callgrind_counts_the_same_work_the_same_and_splits_it(tmp_path):
    shutil.copy(SCRIPT, tmp_path / "bench_instructions_under_test.py")
    library = instructions.build_callgrind_control(tmp_path)
    script = UNDER_CALLGRIND.format(bench=str(tmp_path), library=str(library))
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no", f"--log-file={tmp_path}/log",
         f"--callgrind-out-file={tmp_path}/callgrind.out", sys.executable, "-c", script],
        check=True, timeout=300,
    )  # fmt: skip
    first, second, inner = (instructions.totals(tmp_path / f"callgrind.out.{n}") for n in (1, 2, 3))
    assert first > 1_000_000 and abs(second - first) / first < 0.005
    # The inner call does half the outer's own work, and is not in the outer's figure.
    assert 0.4 < inner / first < 0.6


def test_callgrind_requests_refuse_to_measure_outside_valgrind(tmp_path):
    if not shutil.which("cc"):
        pytest.skip("needs a C compiler")
    callgrind = instructions.Callgrind(str(instructions.build_callgrind_control(tmp_path)))
    with pytest.raises(SystemExit, match="Not running under valgrind"):
        callgrind.start_instrumentation()
