"""What each resource looks like: stories, sections, authors, tags, corrections and changes.

Read-only serializers over objects the views load in a fixed number of queries: none of these
fields reads the database (bylines, tags, sources and corrections come prefetched).
"""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.addresses import story_url

from . import lead_images


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


@extend_schema_field(OpenApiTypes.URI)
class Address(serializers.Field):
    """An absolute address on this site, made from the object by ``path`` (e.g. its ``get_absolute_url``)."""

    def __init__(self, path: Callable[[Any], str], **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)
        self.path = path

    def to_representation(self, value) -> str:
        return absolute(self.context["request"], self.path(value))


def site_address(thing) -> str:
    return thing.get_absolute_url()


# Slugs (of authors and tags) as they go into an address: the same few on every page.
_quoted = lru_cache(maxsize=4096)(quote)


# Stories' absolute addresses by everything they are made of (see ``Links.story``); bounded.
_STORY_PATHS: dict[tuple, str] = {}
_STORY_PATHS_LIMIT = 10_000
# A setting changed (tests: the story route, the time zone): addresses made before are forgotten.
setting_changed.connect(lambda **kwargs: _STORY_PATHS.clear(), weak=False, dispatch_uid="api.story_paths.forget")


@lru_cache(maxsize=16)
def _reversed(urlconf, script_prefix: str) -> tuple[str, str, str, str]:
    """Where story and author API addresses and author and tag pages start, for one URLconf and prefix."""
    return (
        reverse("api_story", args=[0])[:-2],
        reverse("api_author", args=[0])[:-2],
        reverse("authors:detail", kwargs={"slug": "x"})[:-2],
        reverse("articles:tag", args=["x"])[:-2],
    )


class Links:
    """The addresses a page of stories names, reversed once (per URLconf and script prefix) rather than once
    per link, each section's once per page, and the time zone its times are written in."""

    def __init__(self, request) -> None:
        self.root = root = request.build_absolute_uri("/")[:-1]
        urlconf, script_prefix = get_urlconf(), get_script_prefix()
        prefixes = _reversed(urlconf, script_prefix)
        self.story_api, self.author_api, self.author_page, self.tag_page = (root + prefix for prefix in prefixes)
        self.zone = timezone.get_current_timezone()
        self._place = (urlconf, script_prefix, self.zone)  # what a story's address depends on beyond the story
        self._sections: dict[int, dict] = {}

    def story(self, story) -> str:
        """A published story's address (``articles.addresses.story_url``, as ``get_absolute_url`` gives it),
        kept by what it is made of: the same stories are listed on every request until one is published."""
        key = (self._place, story.section.slug, story.published_at, story.slug)
        found = _STORY_PATHS.get(key)
        if found is None:
            if len(_STORY_PATHS) >= _STORY_PATHS_LIMIT:
                _STORY_PATHS.clear()
            found = _STORY_PATHS[key] = self.root + story_url(story.section.slug, story.published_at, story.slug)
        return found

    def section(self, section) -> dict:
        """A section as stories name it (``SectionRefSerializer``'s fields)."""
        found = self._sections.get(section.pk)
        if found is None:
            found = self._sections[section.pk] = {
                "id": section.pk,
                "name": section.name,
                "slug": section.slug,
                "url": self.root + section.get_absolute_url(),
            }
        return found

    @classmethod
    def of(cls, context: dict) -> "Links":
        if "links" not in context:
            context["links"] = cls(context["request"])
        return context["links"]

    def site(self, path: str) -> str:
        """``path`` made absolute; an address that already is (a CDN's) stays as it is."""
        return path if "://" in path else self.root + path

    def time(self, moment: datetime | None) -> str | None:
        """``moment`` as DRF's ``DateTimeField`` writes it (ISO 8601 in the current time zone, UTC as “Z”),
        with the time zone looked up once per request rather than once per value."""
        if moment is None:
            return None
        text = moment.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


class NamedSerializer(serializers.Serializer):
    """What sections and tags have alike: an id, a name and a slug."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class SectionRefSerializer(NamedSerializer):
    url = Address(site_address)


class SectionSerializer(SectionRefSerializer):
    description = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, section) -> list[dict]:
        tree = self.context["tree"]
        return SectionSerializer(tree.children(section), many=True, context=self.context).data


class BylineSerializer(serializers.Serializer):
    """A byline as ``api.stories`` loads it: the author's id, name and slug."""

    author_id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = Address(lambda byline: reverse("authors:detail", kwargs={"slug": byline.slug}))
    api_url = Address(lambda byline: reverse("api_author", args=[byline.author_id]))


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()
    kind = serializers.CharField()


class TagSerializer(NamedSerializer):
    url = Address(lambda tag: reverse("articles:tag", args=[tag.slug]))


class StoryCorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class RenditionSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    url = serializers.URLField()


class LeadImageSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    renditions = RenditionSerializer(many=True)
    crops = serializers.ListField(child=serializers.URLField())


class StorySummarySerializer(serializers.Serializer):
    """A story as a list names it: enough to show and link it, not its body (its ``api_url`` has that)."""

    id = serializers.IntegerField()
    url = Address(site_address, help_text="The story's canonical address on the site.")
    api_url = Address(
        lambda story: reverse("api_story", args=[story.pk]),
        help_text="Where the whole story is: body, sources, corrections, SEO title and description.",
    )
    headline = serializers.CharField(source="title")
    kicker = serializers.CharField()
    standfirst = serializers.CharField()
    section = SectionRefSerializer()
    bylines = BylineSerializer(many=True, source="api_bylines")
    tags = TagSerializer(many=True, source="api_tags")
    lead_image = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        source="last_changed_at", help_text="When the story last changed for readers: fetch it again when this moves."
    )
    language = serializers.SerializerMethodField()

    def to_representation(self, story) -> dict:
        """The fields declared above, written out directly: DRF's field-by-field walk through the nested
        serializers cost a list of 20 stories five times the instructions (``bench/instructions.py``).
        ``declared_representation`` is DRF's own walk; a test holds the two equal."""
        links = Links.of(self.context)
        time = links.time
        return {
            "id": story.pk,
            "url": links.story(story),
            "api_url": f"{links.story_api}{story.pk}/",
            "headline": story.title,
            "kicker": story.kicker,
            "standfirst": story.standfirst,
            "section": links.section(story.section),
            "bylines": [
                {
                    "author_id": author_id,
                    "name": name,
                    "slug": slug,
                    "url": f"{links.author_page}{_quoted(slug)}/",
                    "api_url": f"{links.author_api}{author_id}/",
                }
                for author_id, name, slug in story.api_bylines
            ],
            "tags": [
                {"id": pk, "name": name, "slug": slug, "url": f"{links.tag_page}{_quoted(slug)}/"}
                for pk, name, slug in story.api_tags
            ],
            "lead_image": lead_images.lead_image(story, links.site),
            "published_at": time(story.published_at),
            "updated_at": time(story.last_changed_at),
            "language": settings.LANGUAGE_CODE,
        }

    def declared_representation(self, story) -> dict:
        return super().to_representation(story)

    def get_language(self, story) -> str:
        return settings.LANGUAGE_CODE

    @extend_schema_field(LeadImageSerializer(allow_null=True))
    def get_lead_image(self, story) -> dict | None:
        return lead_images.lead_image(story, Links.of(self.context).site)


class StorySerializer(StorySummarySerializer):
    """A whole story: the list's fields, its body (as sanitized HTML and as Markdown), sources, corrections
    and the SEO title and description."""

    body_html = serializers.CharField(help_text="The body as the site shows it: rendered and sanitized HTML.")
    body_markdown = serializers.CharField(source="body")
    sources = SourceSerializer(many=True, source="api_sources")
    corrections = StoryCorrectionSerializer(many=True, source="api_corrections")
    seo_title = serializers.CharField(source="search_title")
    meta_description = serializers.CharField(source="search_description")

    def to_representation(self, story) -> dict:
        time = Links.of(self.context).time
        return {
            **super().to_representation(story),
            "body_html": story.body_html,
            "body_markdown": story.body,
            "sources": [
                {"id": pk, "name": name, "url": url, "kind": kind} for pk, name, url, kind in story.api_sources
            ],
            "corrections": [
                {"id": pk, "kind": kind, "note": note, "created_at": time(created_at)}
                for pk, kind, note, created_at in story.api_corrections
            ],
            "seo_title": story.search_title,
            "meta_description": story.search_description,
        }

    def declared_representation(self, story) -> dict:
        return serializers.Serializer.to_representation(self, story)


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = Address(site_address)
    role = serializers.CharField()
    bio = serializers.CharField()
    photo = serializers.SerializerMethodField()
    on_staff_list = serializers.BooleanField(source="is_active")
    links = serializers.SerializerMethodField()

    def get_photo(self, author) -> str | None:
        return absolute(self.context["request"], author.photo.url) if author.photo else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_links(self, author) -> list[dict]:
        return [{"label": label, "url": url} for label, url in author.links]


class CorrectionSerializer(StoryCorrectionSerializer):
    story_id = serializers.IntegerField(source="article_id")
    story_url = Address(lambda correction: correction.article.get_absolute_url())


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    story_id = serializers.IntegerField(source="article_id")
    kind = serializers.ChoiceField(choices=["published", "updated", "corrected", "unpublished", "deleted"])
    at = serializers.DateTimeField()
    api_url = serializers.SerializerMethodField(help_text="Where to fetch the story; null for removals.")

    def get_api_url(self, change) -> str | None:
        if change.kind in ("unpublished", "deleted"):
            return None
        return absolute(self.context["request"], reverse("api_story", args=[change.article_id]))
