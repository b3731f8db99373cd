"""bench/story_form.py, the story form's opening and saving times: its story and its command, so neither rots."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "bench" / "story_form.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_story_form", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


story_form = _load_benchmark()


def test_the_big_story_has_the_issues_bylines_tags_and_revisions(db):
    story = story_form.big_story()
    assert story.bylines.count() == 20
    assert story.tags.count() == 30
    assert story.revisions.count() == 200


def test_the_target_is_judged_by_the_p90(capsys):
    fast_but_one = [0.1] * 9 + [0.5]  # p90 of ten is the ninth: one slow request does not miss the target
    assert story_form.figures("open", fast_but_one, [14] * 10)
    assert not story_form.figures("save", [0.1] * 8 + [0.4, 0.5], [38] * 10)
    assert "open: median 100 ms, p90 100 ms, max 500 ms; queries per request 14–14" in capsys.readouterr().out


@pytest.mark.slow  # a child process that migrates and collects static files
def test_the_command_opens_and_saves_the_form_and_says_whether_the_target_is_met():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--requests", "2"], cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "a story with 20 bylines, 30 tags, 200 revisions" in result.stdout
    assert "open (2 GETs of the change view): median" in result.stdout
    assert "save (2 POSTs of the unchanged form): median" in result.stdout
    assert "target 300 ms: " in result.stdout
