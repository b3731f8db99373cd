"""What else waits for an editor in the review queue, beside the stories filed for review.

The review queue is the stories' list (``StoryInReview``, ``admin/records.py``). Apps above this one
have their own things waiting for the same editors (a live story's posts awaiting approval: ``live``);
they register a source of them from their ``ready()``, as story pages do with
``articles.views.register_story_page``, so this app lists them without knowing them. Each source
answers in one query, whatever the number of entries: the queue's cost stays bounded.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest


@dataclass(frozen=True)
class WaitingEntry:
    """One thing waiting for an editor, as the queue shows it beside the stories."""

    kind: str  # what it is, for the reader of the queue: "Live post"
    title: str
    open_url: str  # where an editor opens it to read and edit it
    approve_url: str  # where an editor's POST approves it ("" when it has no one-step approval)
    story: str  # the story it belongs to
    story_url: str
    section: str
    by: str  # who filed it
    since: datetime  # when it began to wait


# A source answers for a request (an editor's), narrowed to a section (its id, or None) and to words
# searched (or ""): at most ``limit`` entries, the longest-waiting first.
WaitingSource = Callable[..., list[WaitingEntry]]
_sources: list[WaitingSource] = []

# Entries of other kinds on the queue's first page: more means a backlog the source's own list shows.
WAITING_SHOWN = 50


def register_waiting(source: WaitingSource) -> None:
    """From an app's ``ready()``: ``source(request, section_id=…, search=…, limit=…)`` lists what waits."""
    if source not in _sources:
        _sources.append(source)


def waiting_entries(request: HttpRequest, *, section_id: int | None = None, search: str = "") -> list[WaitingEntry]:
    """Everything registered sources have waiting, the longest-waiting first."""
    entries = [
        entry
        for source in _sources
        for entry in source(request, section_id=section_id, search=search, limit=WAITING_SHOWN)
    ]
    return sorted(entries, key=lambda entry: entry.since)[:WAITING_SHOWN]
