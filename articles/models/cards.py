"""A story card's data: what ``{% story_card %}`` shows of a story in a list, read without model instances.

List pages (front, section, tag, author, archive, most read, a story's related stories) show twenty
to fifty cards. Loading each as an ``Article`` (with its section and library picture joined in, and
the ORM's descriptors and ``from_db`` per row) cost those pages a quarter of their instructions
(``bench/instructions.py``); a card is one ``values_list()`` row and its byline names, read in two
queries however many cards there are. Everything stays computed from the rows each time (nothing is
copied into the story), so a renamed author or section, a new alt text or a picture whose licence runs
out shows on the next page rendered, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from common.django_internals import rows_by_ids
from media_library.models import licence_has_expired

from ..addresses import story_url

if TYPE_CHECKING:  # stories imports this module
    from .stories import Article, ArticleQuerySet

# Read for each card, in this order (``Card.from_row``).
CARD_COLUMNS = (
    "pk", "title", "slug", "kicker", "standfirst", "section__slug", "published_at",
    "lead_picture__file", "lead_picture__width", "lead_picture__height", "lead_picture__alt_text",
    "lead_picture__licence_expires",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CardPicture:
    """A card's library picture, as stored: its file's name in the library's storage, size and alt text."""

    name: str
    width: int | None
    height: int | None
    alt: str
    # Checked when shown, not when read: a card may be kept (Most read) past the licence's last day.
    licence_expires: date | None = None

    @property
    def is_shown(self) -> bool:
        """Whether readers may see it now: the rule of ``Image.licence_expired()`` (``Article.lead``)."""
        return not licence_has_expired(self.licence_expires)


@dataclass(slots=True, eq=False)
class Card:
    """One story as a card shows it; fields are named as on ``Article``. Not to be changed once made
    (not frozen only because a frozen dataclass's ``__init__`` costs a call per field, for fifty cards a page).

    A card compares equal to its story and to the story's other cards (by primary key, as Django compares
    model instances), so that a list of cards can be checked against the stories it should show.
    """

    pk: int
    title: str
    slug: str
    kicker: str
    standfirst: str
    section_slug: str
    published_at: datetime | None
    created_at: datetime | None
    byline_names: str
    picture: CardPicture | None
    # A search result's matching words in its body, escaped and marked (``articles.search``), set once
    # by search when it makes the card; "" on every other card.
    search_snippet: str = ""

    @classmethod
    def from_article(cls, article: Article) -> Card:
        """The card of a story already loaded (search results): the same fields, from the instance."""
        lead = article.lead  # None when the licence has run out
        return cls(
            pk=article.pk,
            title=article.title,
            slug=article.slug,
            kicker=article.kicker,
            standfirst=article.standfirst,
            section_slug=article.section.slug,
            published_at=article.published_at,
            created_at=article.created_at,
            byline_names=article.byline_names,
            picture=CardPicture(lead.file.name, lead.width, lead.height, lead.alt) if lead else None,
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Card):
            return self.pk == other.pk
        if getattr(other, "_meta", None) is not None and other._meta.concrete_model._meta.label == "articles.Article":
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)  # as a saved model instance's

    def get_absolute_url(self) -> str:
        """The story's address, by the rule of ``Article.get_absolute_url``: worked out when shown."""
        return story_url(self.section_slug, self.published_at or self.created_at or timezone.now(), self.slug)

    @property
    def lead(self) -> CardPicture | None:
        """The picture readers may see now, if any (as ``Article.lead``)."""
        picture = self.picture
        return picture if picture is not None and picture.is_shown else None


def load_cards(stories: ArticleQuerySet) -> list[Card]:
    """The cards of ``stories``, in their order: one query of the stories' columns, one of their byline names."""
    return cards_from_rows(list(stories.values_list(*CARD_COLUMNS)))


def cards_by_id(ids: list[int]) -> dict[int, Card]:
    """The cards of the stories with these ids, by id, in two queries whose SQL is compiled once per number of ids.

    By id alone, without ``published()``: for ids a caller has just read from ``Article.objects.published()``
    in the same request (a page of a list, the front page's choice), as loading them by id always was.
    """
    from .stories import Article

    rows = rows_by_ids(
        "story cards",
        Article,
        ids,
        lambda ids: Article.objects.filter(pk__in=ids).order_by().values_list(*CARD_COLUMNS),
    )
    return {card.pk: card for card in cards_from_rows(rows)}


# Between byline names in ``BYLINE_NAMES``' column: a control character no name holds (names are typed text).
_NAME_SEPARATOR = "\x1f"
# Each story's byline names in order, as one text column of the card's own row (correlated with the
# story's row by its table name, which Django's query keeps unaliased).
_BYLINE_NAMES_SQL = {
    "sqlite": (
        "(SELECT group_concat(name, char(31)) FROM (SELECT author.name AS name FROM articles_byline AS byline"
        " JOIN authors_author AS author ON author.id = byline.author_id"
        " WHERE byline.article_id = articles_article.id ORDER BY byline.position, byline.id))"
    ),
    "postgresql": (
        "(SELECT string_agg(author.name, chr(31) ORDER BY byline.position, byline.id) FROM articles_byline AS byline"
        " JOIN authors_author AS author ON author.id = byline.author_id"
        " WHERE byline.article_id = articles_article.id)"
    ),
}


def cards_with_names_by_id(ids: list[int]) -> dict[int, Card]:
    """``cards_by_id(ids)`` in one query: each card's byline names read in its own row (a subquery).

    For a few cards (a story's neighbours): the subquery runs once per card. On a database without
    the subquery's SQL here, two queries as ``cards_by_id``.
    """
    from django.db import connections, router
    from django.db.models.expressions import RawSQL

    from .stories import Article, joined_names

    vendor = connections[router.db_for_read(Article)].vendor
    names_sql = _BYLINE_NAMES_SQL.get(vendor)
    if names_sql is None:
        return cards_by_id(ids)
    rows = rows_by_ids(
        "story cards with names",
        Article,
        ids,
        lambda ids: (
            Article.objects.filter(pk__in=ids)
            .order_by()
            .annotate(card_byline_names=RawSQL(names_sql, ()))
            .values_list(*CARD_COLUMNS, "card_byline_names")
        ),
    )
    cards = {}
    for row in rows:
        pk, title, slug, kicker, standfirst, section_slug, published_at = row[:7]
        file, width, height, alt, expires, names = row[7:]
        picture = CardPicture(file, width, height, alt, expires) if file else None
        byline = joined_names(names.split(_NAME_SEPARATOR)) if names else ""
        cards[pk] = Card(pk, title, slug, kicker, standfirst, section_slug, published_at, None, byline, picture)
    return cards


def cards_from_rows(rows: list[tuple]) -> list[Card]:
    """Cards of rows of ``CARD_COLUMNS``, in their order, with their byline names (one query)."""
    from .stories import Byline, joined_names

    if not rows:
        return []
    names: dict[int, list[str]] = {}
    bylines = rows_by_ids(
        "story card bylines",
        Byline,
        [row[0] for row in rows],
        lambda ids: (
            Byline.objects.filter(article_id__in=ids)
            .order_by("position", "pk")
            .values_list("article_id", "author__name")
        ),
    )
    for article_id, name in bylines:
        names.setdefault(article_id, []).append(name)
    cards = []
    for row in rows:
        pk, title, slug, kicker, standfirst, section_slug, published_at = row[:7]
        file, width, height, alt, expires = row[7:]
        picture = CardPicture(file, width, height, alt, expires) if file else None
        byline = joined_names(names.get(pk, []))
        # No creation time: a card read as a row is of a story readers see, which has a publication time
        # (a check constraint), the only time its address takes then.
        cards.append(Card(pk, title, slug, kicker, standfirst, section_slug, published_at, None, byline, picture))
    return cards


def card_of(story: Article | Card) -> Card:
    """A card as it is, a story as its card."""
    return story if isinstance(story, Card) else Card.from_article(story)
