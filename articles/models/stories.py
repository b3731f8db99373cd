"""Stories: ``Article`` with the queryset that decides what readers see, bylines, tags, the review-queue proxy.

Longer than 500 lines because ``ArticleQuerySet`` and ``Article`` are one idea: the story and the
queries the reader pages make of it (the listing and card loaders are tuned together).
"""

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Prefetch, Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from common import lookups  # noqa: F401  (registers ``__any_of``)
from common.django_internals import instances_at, union_all_rows_at
from common.slugs import unique_slug
from images.uploads import PictureField, RandomImagePath, validate_image_file
from pagecache.store import remember

from ..addresses import story_url
from ..body_media import BodyMedia, render_body
from ..rendering import render_markdown
from .body_pictures import sync_body_pictures
from .cards import Card, cards_with_names_by_id, load_cards
from .front_page import FrontPage, FrontPageSlot, select_front_page
from .sections import Section, SectionTree
from .sources import Source


@dataclass(frozen=True)
class SharingImage:
    """A picture as social cards, JSON-LD and feeds show it."""

    file: FieldFile
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class LeadImage(SharingImage):
    """The picture at the top of a story, as readers see it: the library picture's."""

    caption: str
    credit: str
    # The library picture it comes from (for its crops).
    picture: models.Model | None = None


class TaggedArticle(TaggedItemBase):
    """Typed tag link: a real foreign key joins faster than taggit's generic one."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = "tag on story"
        verbose_name_plural = "tags on stories"
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_article")]
        # A tag's newest stories, read from the index alone.
        indexes = [models.Index(fields=["tag", "-content_object"], name="tagged_newest_per_tag")]


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at: datetime | None = None) -> "ArticleQuerySet":
        """Stories readers may see: the single definition used by every public surface.

        Published, with a publication time that has come and no embargo still
        running. A story scheduled or embargoed for later is invisible until its
        time and then appears with no job to run, because this compares with the clock.
        """
        now = at or timezone.now()
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def in_review(self) -> "ArticleQuerySet":
        """Stories filed and waiting for an editor: the review queue."""
        return self.filter(status=Article.Status.IN_REVIEW)

    def next_visibility_change(self) -> datetime | None:
        """The next moment a published story becomes visible: the least ``Article.live_from`` still ahead.

        Only stories with a time ahead are read (the indexed filter), and their ``live_from`` is the
        later of publication and embargo, as in the Python twin.
        """
        now = timezone.now()
        upcoming = self.filter(Q(published_at__gt=now) | Q(embargo_until__gt=now), status=Article.Status.PUBLISHED)
        live_from = Greatest("published_at", Coalesce("embargo_until", "published_at"))
        return upcoming.aggregate(next=models.Min(live_from))["next"]

    def newest_first(self) -> "ArticleQuerySet":
        return self.order_by("-published_at", "-pk")

    def free_front_page_slot(self) -> int | None:
        """The first front-page slot no story readers see is pinned to; None when all are taken."""
        taken = set(self.published().exclude(front_page_slot=None).values_list("front_page_slot", flat=True))
        return next((slot for slot in FrontPageSlot.values if slot not in taken), None)

    def in_section(self, section: Section) -> "ArticleQuerySet":
        """Stories of ``section`` and of every section below it."""
        return self.filter(section_id__in=section.with_descendant_ids())

    def by_author(self, author: models.Model, *, remembered: bool = False) -> "ArticleQuerySet":
        """Stories with ``author`` in their byline.

        ``remembered``: the author's story ids are kept for the content generation (``remember``), for
        readers' lists only (after ``published()``): a byline added to or taken from a story readers can
        see starts a new generation (``articles.invalidation``), and a story they cannot see yet starts
        one when it becomes visible (published, or its time come), so the kept ids never miss a story
        readers see. Not for the back office, whose drafts' bylines change without a new generation.
        """

        def story_ids() -> list[int]:
            return list(Byline.objects.filter(author=author).values_list("article_id", flat=True))

        # The author's story ids first, from the byline index: joined in one query, the planner
        # walks every published story looking for the author's (50 ms at 100,000 stories).
        # A prolific author has thousands: sent as one parameter (common.lookups), not one per id.
        return self.filter(pk__any_of=remember(f"author-stories:{author.pk}", story_ids) if remembered else story_ids())

    def tagged(self, tag: models.Model) -> "ArticleQuerySet":
        return self.filter(tagged_items__tag=tag)

    def dated(self, year: int, month: int | None = None) -> "ArticleQuerySet":
        """Stories published in ``year``, or in that ``month`` of it, in the newsroom's time zone.

        Raises ``ValueError`` for a date that does not exist (month 13, year 10000).
        """
        if month is None:
            start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        else:
            start, end = datetime(year, month, 1), datetime(year + month // 12, month % 12 + 1, 1)
        return self.filter(published_at__gte=timezone.make_aware(start), published_at__lt=timezone.make_aware(end))

    def front_page(self, tree: SectionTree, *, most_read: list = (), at: datetime | None = None) -> FrontPage:
        """What the front page shows of these stories that readers see ``at`` (now): ``published(at=…)`` of
        them, see ``articles.models.front_page``. From ``Article.objects`` itself its query is kept compiled."""

        def stories_at(moment: datetime) -> "ArticleQuerySet":
            return self.published(at=moment)

        stories_at.model = self.model
        return select_front_page(
            stories_at,
            tree,
            most_read=list(most_read),
            at=at or timezone.now(),
            reusable=not self.query.has_filters(),
        )

    def last_changed(self) -> datetime | None:
        """When one of these stories was last published or updated."""
        return self.aggregate(last_changed=self._latest_change())["last_changed"]

    def last_changed_by(self, field: str) -> dict:
        """When each value of ``field`` (e.g. ``"section"``) last had one of these stories published or updated."""
        return dict(self.order_by().values_list(field).annotate(last_changed=self._latest_change()))

    @staticmethod
    def _latest_change() -> Max:
        # The same rule as Article.last_changed_at, in SQL.
        return Max(Coalesce("revised_at", "published_at"))

    def with_bylines(self) -> "ArticleQuerySet":
        """Section and ordered bylines in a fixed number of queries, for any number of stories."""
        return self.select_related("section", "section__parent").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author__photo").order_by("position"))
        )

    def with_tags_in_order(self) -> "ArticleQuerySet":
        """Each story's tags, in the order they were added, for ``Article.tags_in_order``, in one query.

        Not ``prefetch_related("tags")``: that has no order, so a story's tags came out in whatever
        order the database chose (on PostgreSQL, one that changes as the table is written).
        """
        return self.prefetch_related(
            Prefetch(
                "tagged_items",
                queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
                to_attr="tagged_in_order",
            )
        )

    def for_story_page(self) -> "ArticleQuerySet":
        """Everything the story page shows, in one query: with its section and lead picture, and the bylines,
        tags, sources and corrections it stores (``page_parts``; see ``Article.take_page_parts``)."""
        return self.select_related("section", "lead_picture")

    def published_story_page(self, slug: str, *, related: tuple[str, ...] = ()) -> "Article":
        """The published story with this slug, ``for_story_page()`` with ``related`` joined in too.

        Its query is built and compiled once per ``related`` (``instances_at``): the same SQL for every
        story, with the moment and the slug as parameters. Raises ``Article.DoesNotExist``.
        """

        def story_at(moment: datetime, slug: str) -> "ArticleQuerySet":
            return Article.objects.published(at=moment).for_story_page().select_related(*related).filter(slug=slug)

        found = instances_at(story_at, timezone.now(), model=Article, key=("story page", related), values=(slug,))
        if not found:
            raise Article.DoesNotExist("No published story with this slug.")
        return found[0]  # slugs are unique

    def refresh_page_parts(self) -> None:
        """Write these stories' ``page_parts`` again from the tables: after bulk writes, which send no signals."""
        from .page_parts import refresh

        refresh(self)

    def cards(self) -> list[Card]:
        """These stories as cards (``articles.models.cards``), in their order: two queries, no model instances."""
        return load_cards(self)


def joined_names(names: list[str]) -> str:
    """“Ann”, “Ann and Bo”, “Ann, Bo and Cy”."""
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


# Related stories are chosen among each tag's newest stories (see Article.neighbours).
RELATED_TAGS_CONSIDERED = 5
RELATED_CANDIDATES_PER_TAG = 200


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self) -> ArticleQuerySet:
        # The stored search vector is as large as the text itself and only
        # search reads it (in SQL): never load it into Python by default.
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    """A story: the unit a journalist writes, an editor publishes and a reader reads."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SENT_BACK = "sent_back", "Sent back"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    title = models.CharField("headline", max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        allow_unicode=True,
        help_text="The last part of the story's address. Filled from the headline; keep it once published.",
    )
    kicker = models.CharField(
        max_length=60, blank=True, help_text="Optional label above the headline, e.g. “Analysis”."
    )
    standfirst = models.CharField(
        max_length=500,
        blank=True,
        help_text="One or two sentences under the headline; used in lists, feeds and search results.",
    )
    body = models.TextField(
        blank=True,
        help_text="Markdown: blank lines between paragraphs, “## ” for a subheading, “> ” for a quote.",
    )
    body_html = models.TextField(editable=False, default="")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", blank=True, verbose_name="byline"
    )
    sources = models.ManyToManyField(Source, related_name="articles", blank=True)
    tags = TaggableManager(through=TaggedArticle, blank=True)

    # The lead picture from the media library, which carries its own alt text, caption, credit and rights
    # (the story's own former ``lead_image*`` fields were moved into the library by articles 0013).
    lead_picture = models.ForeignKey(
        "media_library.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        help_text="Choose from the media library; its alt text, caption and credit go with it.",
    )

    # What search engines and social networks show; each falls back to the story's own (see ``search_title``…).
    seo_title = models.CharField(
        "SEO title",
        max_length=200,
        blank=True,
        help_text="The headline search engines and social networks show; about 60 characters fit. "
        "Leave empty to use the headline.",
    )
    meta_description = models.CharField(
        max_length=500,
        blank=True,
        help_text="The summary under the link in search results and social cards; about 160 characters fit. "
        "Leave empty to use the standfirst.",
    )
    social_image = PictureField(
        upload_to=RandomImagePath("social"),
        blank=True,
        validators=[validate_image_file],
        width_field="social_image_width",
        height_field="social_image_height",
        help_text="The picture on social cards, best 1200×630. Leave empty to use the lead image.",
    )
    social_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    social_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    social_image_alt = models.CharField(
        "social image alt text",
        max_length=300,
        blank=True,
        help_text="What the social image shows. Required with a social image.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Readers see a published story from this time on; a future time schedules it.",
    )
    embargo_until = models.DateTimeField(
        "embargoed until",
        null=True,
        blank=True,
        help_text="Hidden from every public page until this time, even once published. Only editors set or lift it.",
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the story last went into review."
    )
    revised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last change to the text after publication."
    )
    front_page_slot = models.PositiveSmallIntegerField(
        "front page",
        choices=FrontPageSlot.choices,
        null=True,
        blank=True,
        help_text="Pin the story to the top of the front page. Slots not pinned are filled with the newest stories.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_articles",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Optimistic locking: every save bumps it; a form saved from an older
    # version is refused instead of overwriting someone else's changes.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Headline, standfirst, body, tag and author names, weighted, for PostgreSQL
    # full-text search; kept current by ``articles.signals``. Its GIN index is
    # created by migration on PostgreSQL only (see 0005_article_search_vector);
    # on SQLite the column exists but stays empty, and search reads the text.
    search_vector = SearchVectorField(null=True, editable=False)
    # What the story page shows from other tables (bylines, tags, sources, corrections), kept current by
    # ``articles.signals``: see ``articles.models.page_parts``. ``{}``: never written, read the tables.
    page_parts = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleManager()

    # Fields whose change after publication is news to readers ("Updated …").
    CONTENT_FIELDS = frozenset({"title", "kicker", "standfirst", "body", "lead_picture"})

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish article")]
        indexes = [
            # The review queue, oldest first: with the id (its tie-breaker) in the index, a page's ids come
            # from the index in order, not from sorting every story in review (20,000 at a million: 170 ms).
            models.Index(fields=["status", "submitted_at", "id"], name="article_review_queue"),
            models.Index(fields=["embargo_until"], name="article_embargo_until"),
            # Story lists order by (published_at, id) descending: with id in the index (and the embargo
            # that published() also checks carried along on PostgreSQL), a page's ids come from the
            # index alone, however deep the page.
            # The section carried too: a section with subsections (several section ids) walks this index in
            # its order, skipping other sections' entries, rather than sorting the whole family (issue 21).
            models.Index(
                fields=["status", "-published_at", "-id"],
                include=["embargo_until", "section_id"],
                name="article_status_published",
            ),
            models.Index(
                fields=["section", "status", "-published_at", "-id"],
                include=["embargo_until"],
                name="article_section_published",
            ),
            # The back office's story list, newest first, whatever the state (drafts first: NULLs sort first),
            # whole or by section: each page's ids from the index (articles/admin/lists.py).
            models.Index(fields=["-published_at", "-id"], name="article_newest"),
            models.Index(fields=["section", "-published_at", "-id"], name="article_section_newest"),
            # The stories pinned to the front page, in slot order: a handful, read from this small index alone.
            models.Index(
                fields=["front_page_slot", "-published_at", "-id"],
                condition=Q(front_page_slot__isnull=False),
                name="article_front_page_pins",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published story needs a publication time.",
            ),
            models.CheckConstraint(
                condition=Q(social_image="") | ~Q(social_image_alt=""),
                name="article_social_image_has_alt",
                violation_error_message="A social image needs alt text.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self.free_slug(self.title)
        self.body_html = render_markdown(self.body)
        adding = self._state.adding
        if self.pk is not None:
            self.version += 1
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "version"}
        self._fill_page_parts(adding, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        sync_body_pictures(self, adding=adding, stored_body_html=getattr(self, "_stored_body_html", None))
        self._stored_body_html = self.body_html

    def get_absolute_url(self) -> str:
        return story_url(self.section.slug, self.published_at or self.created_at or timezone.now(), self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the body named when loaded, so that saving an unchanged body skips its pictures' records.
        instance._stored_body_html = instance.__dict__.get("body_html")
        return instance

    def _fill_page_parts(self, adding: bool, update_fields) -> None:
        """What the page shows from other tables, read again before a save writes the row (``page_parts``).

        Each change to those tables writes the stored parts itself (``articles.signals``), but this instance
        may have been loaded before it: a save of every field must not put older parts back.
        """
        from .page_parts import body_pictures, collect, empty

        if adding:
            # A new story has no bylines, tags, sources or corrections yet: each one added writes them.
            self.page_parts = {**(self.page_parts or empty()), "pictures": body_pictures(self.body_html)}
        elif update_fields is None or not {"page_parts", "body"}.isdisjoint(update_fields):
            self.page_parts = collect([self.pk], bodies={self.pk: self.body_html})[self.pk]
            if update_fields is not None:
                update_fields.add("page_parts")  # the set save() passes on

    def free_slug(self, text: str) -> str:
        """A slug made from ``text`` that no other story has, now or as a former address (-2, -3… when taken).

        This story's own slug and former slugs count as free: a story may keep its slug or take back an old one.
        """

        def taken(slug: str) -> bool:
            # One query of two indexed lookups: saving a new story costs no more than before former slugs.
            now = Article.objects.filter(slug=slug).exclude(pk=self.pk).values_list("pk")
            before = FormerSlug.objects.filter(slug=slug).exclude(article_id=self.pk).values_list("article_id")
            return now.union(before).exists()

        return unique_slug(Article, text, max_length=255, taken=taken)

    def clean(self) -> None:
        errors = {}
        if self.social_image and not self.social_image_alt.strip():
            errors["social_image_alt"] = "Describe the social image for readers who cannot see it."
        if errors:
            raise ValidationError(errors)

    @property
    def live_from(self) -> datetime | None:
        """When readers can first see the story: the later of its publication time and its embargo's end.

        The Python twin of ``ArticleQuerySet.published()``, for a story already loaded:
        ``published(at=t)`` holds exactly the stories whose ``visible_at(t)`` is true (a test checks
        the two against each other over every state and time). None while the story is not published.
        """
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return None
        return max(self.published_at, self.embargo_until or self.published_at)

    def visible_at(self, moment: datetime) -> bool:
        """Whether readers can see the story at ``moment``."""
        live_from = self.live_from
        return live_from is not None and live_from <= moment

    @property
    def is_published(self) -> bool:
        """Whether readers can see the story now."""
        return self.visible_at(timezone.now())

    @property
    def state_label(self) -> str:
        """The state as a newsroom says it: “Scheduled”, “Embargoed” and “Live” are published stories."""
        if self.status != self.Status.PUBLISHED:
            return self.get_status_display()
        now = timezone.now()
        if self.visible_at(now):
            return "Live"
        return "Embargoed" if self.embargo_until and self.embargo_until > now else "Scheduled"

    @property
    def last_changed_at(self) -> datetime | None:
        """When readers last saw the story change: its latest update, else its publication."""
        return self.revised_at or self.published_at

    def take_page_parts(self) -> None:
        """Read the bylines, tags, sources and corrections from ``page_parts`` from now on, not from the tables.

        For the reader pages only (``render_story``): the back office reads the tables, as they are this moment.
        Stored parts of an older shape, or none (``{}``), leave the tables to be read as before.
        """
        from .page_parts import unpack

        parts = unpack(self.page_parts)
        if parts is not None:
            corrections = parts.pop("corrections")
            self.__dict__.update(parts, corrections_shown=corrections if self.revised_at else [])
            self.__dict__.pop("body_media", None)  # rendered again with the stored pictures

    @cached_property
    def sources_shown(self) -> list:
        """The story's sources, by name (stored with ``page_parts``, see ``take_page_parts``)."""
        return list(self.sources.all())

    @cached_property
    def byline_authors(self) -> list:
        """Authors in byline order; uses the prefetch from ``with_bylines()`` when present."""
        return [byline.author for byline in self.bylines.all()]

    @cached_property
    def corrections_shown(self) -> list:
        """The story's corrections, newest first. A story never revised has none: no query then."""
        return list(self.corrections.all()) if self.revised_at else []

    @cached_property
    def tags_in_order(self) -> list[Tag]:
        """The story's tags in the order they were added: prefetched by ``with_tags_in_order()``, else one query."""
        tagged = getattr(self, "tagged_in_order", None)
        if tagged is None:
            tagged = self.tagged_items.select_related("tag").order_by("pk")
        return [item.tag for item in tagged]

    @cached_property
    def byline_names(self) -> str:
        """The byline as plain text."""
        return joined_names([author.name for author in self.byline_authors])

    @property
    def description(self) -> str:
        """A plain-text summary for lists, meta descriptions and feeds."""
        if self.standfirst:
            return self.standfirst
        # strip_tags leaves the HTML's entities (&amp;, &lt;) behind; plain text has none.
        return Truncator(html.unescape(strip_tags(self.body_html))).words(40)

    @property
    def search_title(self) -> str:
        """The headline for search engines and social networks: the SEO title, else the headline."""
        return self.seo_title or self.title

    @property
    def search_description(self) -> str:
        """The summary for search results and social cards: the meta description, else ``description``."""
        return self.meta_description or self.description

    @property
    def sharing_image(self) -> "SharingImage | None":
        """The picture for social cards and feeds: the social image, else the lead image, else none."""
        if self.social_image:
            return SharingImage(
                self.social_image, self.social_image_width, self.social_image_height, self.social_image_alt
            )
        return self.lead

    @property
    def lead(self) -> LeadImage | None:
        """The lead picture readers see, from the library; None without one.

        A library picture whose licence has run out is shown nowhere, and nothing stands in for it."""
        if not self.lead_picture_id:
            return None
        picture = self.lead_picture
        if picture.licence_expired():
            return None
        return LeadImage(
            picture.file, picture.width, picture.height, picture.alt_text, picture.caption, picture.credit, picture
        )

    @cached_property
    def body_media(self) -> BodyMedia:
        """The body as readers see it, with its pictures and embeds (one query when it has pictures)."""
        # The pictures as stored with the story (``take_page_parts``), else read now.
        return render_body(self.body_html, images=self.__dict__.get("body_pictures_stored"))

    @property
    def reading_minutes(self) -> int:
        return max(1, round(len(self.body.split()) / 230))

    def note_content_change(self, changed_fields: Iterable[str], *, at: datetime | None = None) -> None:
        """Record an update readers should be told about when published text changes."""
        if self.is_published and self.CONTENT_FIELDS.intersection(changed_fields):
            self.revised_at = at or timezone.now()

    def neighbours(self, limit: int = 4) -> tuple[list[Card], list[Card]]:
        """Related stories (sharing the most tags, topped up from the section) and more from the section.

        One query of small indexed parts finds them all: per tag (at most ``RELATED_TAGS_CONSIDERED``)
        its newest stories readers may see, and the section's newest (SQL compiled once per number of
        tags); one more query loads them, as cards with their byline names.
        """
        tag_ids = sorted(tag.pk for tag in self.tags_in_order)[:RELATED_TAGS_CONSIDERED]

        def parts_at(moment: datetime, story_id: int, section_id: int, *tag_ids: int) -> list[models.QuerySet]:
            candidates = Article.objects.published(at=moment).exclude(pk=story_id)
            # For each tag, its newest visible stories, walking the tag's index newest first: a popular tag
            # may be on tens of thousands of stories, and counting shared tags across all of them is the
            # slow way. Then the section's newest, enough to top up the related list and then fill "more
            # from this section" even if the related stories are among them: the last part.
            parts = [
                candidates.filter(tagged_items__tag_id=tag_id)
                .order_by("-pk")
                .values_list("pk", "published_at")[:RELATED_CANDIDATES_PER_TAG]
                for tag_id in tag_ids
            ]
            parts.append(
                candidates.filter(section_id=section_id).newest_first().values_list("pk", "published_at")[: limit * 3]
            )
            return parts

        section_part = len(tag_ids)
        # Built and compiled once per number of tags: the same SQL for every story, with its own ids.
        rows = union_all_rows_at(
            parts_at,
            timezone.now(),
            model=Article,
            key=("story neighbours", limit),
            values=(self.pk, self.section_id, *tag_ids),
        )
        shared: Counter[int] = Counter(pk for part, (pk, _) in rows if part != section_part)
        related_ids = sorted(shared, key=lambda pk: (-shared[pk], -pk))[:limit]
        # Each part's order is its own: sort the section's newest again, as newest_first() does.
        newest = sorted(((published_at, pk) for part, (pk, published_at) in rows if part == section_part), reverse=True)
        section_ids = [pk for _, pk in newest if pk not in related_ids]
        related_ids += section_ids[: limit - len(related_ids)]
        more_ids = [pk for pk in section_ids if pk not in related_ids][:limit]
        stories = cards_with_names_by_id(related_ids + more_ids)
        return [stories[pk] for pk in related_ids if pk in stories], [stories[pk] for pk in more_ids if pk in stories]


class Byline(models.Model):
    """One author's credit on a story; ``position`` keeps co-bylines in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_author_per_article")]
        indexes = [models.Index(fields=["author", "article"], name="byline_author_article")]

    def __str__(self) -> str:
        return f"{self.author} on “{self.article}”"


class FormerSlug(models.Model):
    """A slug a published story had before an editor changed its address: its old links redirect for good."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "former address"
        verbose_name_plural = "former addresses"

    def __str__(self) -> str:
        return self.slug


class StoryInReview(Article):
    """The review queue: stories waiting for an editor, as their own admin list."""

    class Meta:
        proxy = True
        verbose_name = "story in review"
        verbose_name_plural = "review queue"
