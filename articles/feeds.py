"""RSS 2.0 and Atom feeds: the whole site, each section (with its subsections), each author, each tag.

Each lists the newest published stories of its subject, starting from
``Article.objects.published()``: headline, standfirst, bylines, tags as
categories, publication and update times and the lead image as an enclosure.
"""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from authors.models import Author

from .models import Article, ArticleQuerySet, Section

FEED_LENGTH = 30
FORMATS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}


class StoryFeed(Feed):
    """The newest published stories of a subject (``None`` for the whole site)."""

    author_name = settings.SITE_NAME
    item_guid_is_permalink = False

    def __call__(self, request: HttpRequest, *args, format: str, **kwargs) -> HttpResponse:
        # Django shares one feed instance between requests: answer each from a
        # copy that knows its request (for absolute image URLs) and its format.
        feed = copy.copy(self)
        feed.request = request
        feed.feed_type = FORMATS[format]
        return Feed.__call__(feed, request, *args, **kwargs)

    def stories(self, subject) -> ArticleQuerySet:
        raise NotImplementedError

    def subject_title(self, subject) -> str:
        raise NotImplementedError

    def title(self, subject) -> str:
        return f"{self.subject_title(subject)} | {settings.SITE_NAME}"

    def link(self, subject) -> str:
        return subject.get_absolute_url()

    def description(self, subject) -> str:
        # Feed readers show a channel's description (Atom's subtitle) as HTML, like an item's:
        # a section description or a tag name with "<script>" in it must stay text.
        return escape(self.plain_description(subject))

    def subtitle(self, subject) -> str:
        return self.description(subject)

    def items(self, subject) -> ArticleQuerySet:
        # The body is not needed; body_html is, for the description of a story without a standfirst.
        # The lead picture too: each item's enclosure is its sharing picture (one query per item otherwise).
        stories = (
            self.stories(subject)
            .newest_first()
            .with_bylines()
            .with_tags_in_order()
            .select_related("lead_picture")
            .defer("body")
        )
        return stories[:FEED_LENGTH]

    def item_title(self, article: Article) -> str:
        return article.title

    def item_description(self, article: Article) -> str:
        # Feed readers take descriptions as HTML (Atom's summary says type="html");
        # the standfirst is plain text, so a "<" in it must stay a "<".
        return escape(article.description)

    def item_author_name(self, article: Article) -> str | None:
        return article.byline_names or None

    def item_author_link(self, article: Article) -> str | None:
        authors = article.byline_authors
        return self.request.build_absolute_uri(authors[0].get_absolute_url()) if authors else None

    def item_pubdate(self, article: Article):
        return article.published_at

    def item_updateddate(self, article: Article):
        return article.last_changed_at

    def item_categories(self, article: Article) -> list[str]:
        return [tag.name for tag in article.tags_in_order]

    def item_guid(self, article: Article) -> str:
        # A tag: URI (RFC 4151) that outlives changes to the story's address
        # (a new section or publication date), so readers never see it twice.
        domain, _ = split_domain_port(self.request.get_host())
        return f"tag:{domain},{timezone.localtime(article.created_at):%Y-%m-%d}:story/{article.pk}"

    def item_enclosures(self, article: Article) -> list[Enclosure]:
        # The picture chosen for sharing (the social image, else the lead image): a feed reader's card is one.
        image = article.sharing_image
        if image is None:
            return []
        try:
            length = image.file.size
        except OSError:
            # The file has gone missing from storage: leave it out rather than fail the feed.
            return []
        mime_type = mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
        return [Enclosure(self.request.build_absolute_uri(image.file.url), str(length), mime_type)]


class SiteFeed(StoryFeed):
    def stories(self, subject: None) -> ArticleQuerySet:
        return Article.objects.published()

    def title(self, subject: None) -> str:
        return settings.SITE_NAME

    def link(self, subject: None) -> str:
        return "/"

    def plain_description(self, subject: None) -> str:
        return settings.SITE_TAGLINE


class SectionFeed(StoryFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return Section.objects.get(slug=slug)

    def stories(self, section: Section) -> ArticleQuerySet:
        return Article.objects.published().in_section(section)

    def subject_title(self, section: Section) -> str:
        return section.name

    def plain_description(self, section: Section) -> str:
        return section.description or f"The latest {section.name} stories from {settings.SITE_NAME}."


class AuthorFeed(StoryFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Author:
        return Author.objects.get(slug=slug)

    def stories(self, author: Author) -> ArticleQuerySet:
        return Article.objects.published().by_author(author)

    def subject_title(self, author: Author) -> str:
        return author.name

    def plain_description(self, author: Author) -> str:
        return f"The latest stories by {author.name} for {settings.SITE_NAME}."


class TagFeed(StoryFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        tag = Tag.objects.get(slug=slug)
        # As on the tag page: a tag used only on unpublished stories does not exist for readers.
        if not Article.objects.published().tagged(tag).exists():
            raise Http404("No published stories with this tag.")
        return tag

    def stories(self, tag: Tag) -> ArticleQuerySet:
        return Article.objects.published().tagged(tag)

    def subject_title(self, tag: Tag) -> str:
        return tag.name

    def link(self, tag: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def plain_description(self, tag: Tag) -> str:
        return f"The latest stories about {tag.name} from {settings.SITE_NAME}."
