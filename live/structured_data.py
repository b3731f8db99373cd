"""``LiveBlogPosting`` for a live page, per Google's guidelines for live coverage.

The story's ``NewsArticle`` (``articles.structured_data.news_article``: headline, bylines, publisher,
pictures) as a ``LiveBlogPosting``, with ``coverageStartTime`` (the story's publication),
``coverageEndTime`` (when an editor closed it; while it runs, the end one can expect: a day after it
began, or two hours after its latest post if later) and a ``liveBlogUpdate`` ``BlogPosting`` per post shown
(headline, time, address, text).
"""

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.structured_data import news_article, person

from .models import LiveCoverage, LivePost

# While coverage runs, how long it is expected to last at least, and after its latest post.
EXPECTED_LENGTH = timedelta(days=1)
EXPECTED_AFTER_LAST_POST = timedelta(hours=2)


def coverage_end(coverage: LiveCoverage, posts: list[LivePost]) -> datetime | None:
    if coverage.ended_at:
        return coverage.ended_at
    start = coverage.started_at
    if start is None:
        return None
    latest = max((post.posted_at for post in posts), default=start)
    return max(start + EXPECTED_LENGTH, latest + EXPECTED_AFTER_LAST_POST)


def live_blog_posting(article: Article, coverage: LiveCoverage, posts: list[LivePost], request: HttpRequest) -> dict:
    """The live page's JSON-LD; ``posts`` are the public posts the page shows (with their authors)."""
    data = news_article(article, request)
    data["@type"] = "LiveBlogPosting"
    start = coverage.started_at
    if start is not None:
        data["coverageStartTime"] = timezone.localtime(start).isoformat(timespec="seconds")
    end = coverage_end(coverage, posts)
    if end is not None:
        data["coverageEndTime"] = timezone.localtime(end).isoformat(timespec="seconds")
    if posts:
        newest = max(post.posted_at for post in posts)
        if newest > article.last_changed_at:
            data["dateModified"] = timezone.localtime(newest).isoformat(timespec="seconds")
    data["liveBlogUpdate"] = [blog_posting(post, request) for post in posts]
    return data


def blog_posting(post: LivePost, request: HttpRequest) -> dict:
    data = {
        "@type": "BlogPosting",
        "headline": post.headline[:110],
        "datePublished": timezone.localtime(post.posted_at).isoformat(timespec="seconds"),
        "url": request.build_absolute_uri(reverse("live:permalink", args=[post.pk])),
        "articleBody": post.text,
    }
    authors = [person(author, request) for author in post.author_list]
    if authors:
        data["author"] = authors
    return data
