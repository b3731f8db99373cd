"""Turning parsed outside copy into draft stories, matching sources and authors by name."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from authors.models import Author

from ..models import Article, Byline, Section, Source
from .plaintext import ParsedAuthor, ParsedSource, ParsedStory


def find_or_create_source(parsed: ParsedSource) -> Source:
    """The existing source of that name (any case), else a new one."""
    source = Source.objects.filter(name__iexact=parsed.name).first()
    if source is None:
        source = Source.objects.create(name=parsed.name, url=parsed.url)
    return source


def find_or_create_author(parsed: ParsedAuthor) -> Author:
    """The existing author of that name (any case), else a new one with the given bio.

    An existing author's bio is theirs to keep: outside copy never overwrites it.
    """
    author = Author.objects.filter(name__iexact=parsed.name).first()
    if author is None:
        author = Author.objects.create(name=parsed.name, bio=parsed.bio)
    return author


@transaction.atomic
def create_draft(parsed: ParsedStory, *, section: Section, created_by: AbstractBaseUser | None = None) -> Article:
    """Save ``parsed`` as a draft in ``section``: all of it, or nothing if anything fails."""
    article = Article.objects.create(
        title=parsed.title,
        kicker=parsed.kicker,
        standfirst=parsed.standfirst,
        body=parsed.body,
        section=section,
        status=Article.Status.DRAFT,
        created_by=created_by,
    )
    article.sources.set([find_or_create_source(source) for source in parsed.sources])
    authors = list(dict.fromkeys(find_or_create_author(author) for author in parsed.authors))
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position) for position, author in enumerate(authors)
    )
    if parsed.tags:
        article.tags.set(parsed.tags)
    return article
