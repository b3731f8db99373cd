"""The front page: which stories it shows where, chosen by editors and filled with the newest.

The top of the page has ``TOP_SLOTS`` places in three sizes: the lead (slot 1, the largest picture),
four top stories with smaller pictures (slots 2–5) and four headlines without pictures (6–9). An
editor pins a story to a slot (``Article.front_page_slot``); every slot nobody pinned is filled with
the newest story not shown above it, from the sections that have a block on the front page. Two
stories pinned to the same slot: the newer takes it and the other the next free slot after it.

Below come *Latest* (the newest stories of every section not already at the top, with their
times), *Most read* (given by the caller, see ``articles.most_read``) and a block per top-level
section, in the editors' order (``Section.position``), unless the section is kept off the front
page (``Section.on_front_page``). A block shows the section's newest stories not already at the
top, as many as it has up to ``SECTION_STORIES``: a section with one story gets a block of one.

All the ids come from one query of small indexed parts, the stories' cards from one more, with their
byline names from a third: three queries however many sections and stories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.db import models

from common.django_internals import union_all_rows, union_all_rows_at

from .cards import cards_by_id
from .sections import Section, SectionTree

if TYPE_CHECKING:  # stories imports this module
    from .cards import Card
    from .stories import Article, ArticleQuerySet


class StoriesAt(Protocol):
    """The stories readers see at a moment (``published(at=…)``), and their model."""

    model: type

    def __call__(self, moment: datetime) -> ArticleQuerySet: ...


TOP_SLOTS = 9
PICTURE_SLOTS = range(2, 6)  # after the lead, the top stories drawn with a picture
LATEST_STORIES = 8
SECTION_STORIES = 4


class FrontPageSlot(models.IntegerChoices):
    LEAD = 1, "1 — the lead"
    TOP_2 = 2, "2 — top story with a picture"
    TOP_3 = 3, "3 — top story with a picture"
    TOP_4 = 4, "4 — top story with a picture"
    TOP_5 = 5, "5 — top story with a picture"
    HEADLINE_6 = 6, "6 — headline"
    HEADLINE_7 = 7, "7 — headline"
    HEADLINE_8 = 8, "8 — headline"
    HEADLINE_9 = 9, "9 — headline"


@dataclass
class FrontPage:
    lead: Card | None = None
    top: list[Card] = field(default_factory=list)  # slots 2–5, with pictures
    headlines: list[Card] = field(default_factory=list)  # slots 6–9, text only
    latest: list[Card] = field(default_factory=list)
    most_read: list[Card | Article] = field(default_factory=list)
    sections: list[tuple[Section, list[Card]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.lead is None


def place_pins(pins: list[tuple[int, int]]) -> dict[int, int]:
    """Slot → story id for pinned ``(slot, id)`` rows in the order they should be served (slot, newest).

    A pin whose slot is taken goes to the next free slot after it; with none left, it is not placed.
    """
    placed: dict[int, int] = {}
    for slot, pk in pins:
        while slot in placed:
            slot += 1
        if slot <= TOP_SLOTS:
            placed[slot] = pk
    return placed


def select_front_page(
    stories_at: StoriesAt,
    tree: SectionTree,
    *,
    most_read: list[Card | Article],
    at: datetime,
    reusable: bool,
) -> FrontPage:
    """The front page of ``stories_at(at)`` (readers' stories: ``Article.objects.published(at=at)``).

    ``reusable``: ``stories_at`` gives the same query for every moment but the moment itself, so the
    ids' query is built and compiled once per set of sections on the page (``union_all_rows_at``).
    """
    sections = tree.top_level()
    on_page = [section for section in sections if section.on_front_page]
    families = [tree.family_ids(section) for section in on_page]
    hiding = len(on_page) < len(sections)

    def parts_at(moment: datetime) -> list:
        stories = stories_at(moment)
        newest = stories.order_by("-published_at", "-pk").values_list("section_id", "pk")
        parts = [
            stories.filter(front_page_slot__isnull=False)
            .order_by("front_page_slot", "-published_at", "-pk")
            .values_list("front_page_slot", "pk")[: TOP_SLOTS * 2],
            # Latest's candidates, enough to fill the top slots too however many of the newest are pinned elsewhere.
            newest[: TOP_SLOTS * 3 + LATEST_STORIES],
        ]
        parts += [newest.filter(section_id__in=family)[: SECTION_STORIES + TOP_SLOTS] for family in families]
        if hiding:  # only stories of sections on the page fill unpinned slots
            parts.append(newest.filter(section_id__in=[pk for family in families for pk in family])[: TOP_SLOTS * 3])
        return parts

    if reusable:
        key = ("front page", hiding, tuple(tuple(family) for family in families))
        found = union_all_rows_at(parts_at, at, model=stories_at.model, key=key)
    else:
        found = union_all_rows(parts_at(at))
    rows: list[list[tuple]] = [[] for _ in range(2 + len(families) + hiding)]
    for part, row in found:
        rows[part].append(row)
    fillers = rows.pop() if hiding else rows[1]

    slots = place_pins(rows[0])
    shown = set(slots.values())
    fill = (pk for _, pk in fillers if pk not in shown)
    for slot in range(1, TOP_SLOTS + 1):
        if slot not in slots and (pk := next(fill, None)) is not None:
            slots[slot] = pk
            shown.add(pk)
    latest = [pk for _, pk in rows[1] if pk not in shown][:LATEST_STORIES]
    blocks = [[pk for _, pk in part if pk not in shown][:SECTION_STORIES] for part in rows[2:]]

    wanted = {*shown, *latest, *(pk for block in blocks for pk in block)}
    # By id alone: these ids were read from ``stories`` a moment ago, in this request.
    loaded = cards_by_id(list(wanted))
    at = [loaded[slots[slot]] for slot in sorted(slots) if slots[slot] in loaded]
    lead_pk = slots.get(1)
    lead = loaded.get(lead_pk) if lead_pk else None
    rest = [story for story in at if story is not lead]
    # Slots stay in order, without gaps: with fewer stories than slots, the pictures come first.
    return FrontPage(
        lead=lead or (rest.pop(0) if rest else None),
        top=rest[: len(PICTURE_SLOTS)],
        headlines=rest[len(PICTURE_SLOTS) :],
        latest=[loaded[pk] for pk in latest if pk in loaded],
        most_read=most_read,
        sections=[
            (section, [loaded[pk] for pk in block if pk in loaded])
            for section, block in zip(on_page, blocks, strict=True)
            if block
        ],
    )
