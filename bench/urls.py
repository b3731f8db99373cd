# Run by bench/run.py through `manage.py shell` (so it gets the benchmark's settings): fills the
# archive if it is short of BENCH_TARGET_STORIES (an environment variable run.py sets), picks the
# URLs to drive, counts each one's SQL queries and renders the story page used as the static
# reference. Prints one JSON line at the end.
import json
import os
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from accounts import two_factor
from articles.models import Article, Section
from articles.sitemaps import StorySitemap
from authors.models import Author

target = int(os.environ["BENCH_TARGET_STORIES"])
missing = target - Article.objects.count()
if missing > 0:
    # On PostgreSQL this builds the search vectors and indexes too; elsewhere search reads the text.
    call_command("generate_newsroom", stories=missing, authors=300, sections=12, tags=2000, verbosity=1)

published = Article.objects.published()
rng = random.Random(1)
biggest = max(Section.objects.all(), key=lambda section: published.in_section(section).count())
story_ids = list(published.values_list("pk", flat=True))
sample = [Article.objects.select_related("section").get(pk=pk) for pk in rng.sample(story_ids, 500)]
author = Author.objects.annotate(stories=Count("bylines")).order_by("-stories").first()
tags_by_use = list(Tag.objects.annotate(uses=Count("articles_taggedarticle_items")).order_by("-uses")[:20])
tag = tags_by_use[10] if len(tags_by_use) > 10 else tags_by_use[0]
deep_page = min(500, max(1, published.in_section(biggest).count() // settings.STORIES_PER_PAGE))
sitemap_page = min(3, max(1, -(-published.count() // StorySitemap.limit)))

pages = {
    "front page": ["/"],
    f"section, page 1 (/{biggest.slug}/)": [f"/{biggest.slug}/"],
    f"section, page {deep_page}": [f"/{biggest.slug}/?page={deep_page}"],
    "story (500 random)": [story.get_absolute_url() for story in sample],
    "author page": [author.get_absolute_url()],
    "tag page": [f"/tags/{tag.slug}/"],
    "search": ["/search/?q=climate+energy", "/search/?q=floods", "/search/?q=harbour+council+budget"],
    "search, page 50": ["/search/?q=floods&page=50", "/search/?q=climate+energy&page=50"],
    "search, by date, filtered": [
        f"/search/?q=floods&sort=date&section={biggest.slug}",
        "/search/?q=floods&sort=date&from=2020-01-01&to=2020-12-31",
    ],
    "RSS feed": ["/feeds/rss/"],
    "sitemap index": ["/sitemap.xml"],
    f"sitemap page (stories, p. {sitemap_page})": [f"/sitemaps/stories.xml?p={sitemap_page}"],
}

# The back office, as a logged-in editor (run.py sends the session cookie with these).
review_queue = "/admin/articles/storyinreview/"
admin_pages = {
    "admin: story list": ["/admin/articles/article/"],
    "admin: story search": ["/admin/articles/article/?q=NATO", "/admin/articles/article/?q=floods"],
    "admin: filtered": [
        "/admin/articles/article/?status__exact=published",
        f"/admin/articles/article/?section__id__exact={biggest.pk}",
    ],
    "admin: page 500": ["/admin/articles/article/?p=500"],
    "admin: review queue": [review_queue],
}
pages.update(admin_pages)

client = Client(HTTP_HOST="127.0.0.1")


def sequential_scans(sql: str) -> int:
    """How often PostgreSQL's plan for ``sql`` reads the whole stories table."""
    if connection.vendor != "postgresql" or "articles_article" not in sql or sql.startswith("EXPLAIN"):
        return 0  # an EXPLAIN is the planner's estimate of a long list's length, not a read
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return sum("Seq Scan on articles_article " in row[0] + " " for row in cursor.fetchall())


User = get_user_model()
editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True, "is_superuser": True})
# Signed in as Django's test client signs in (its own choice of backend: the first one, django-axes', has no
# get_user, and a session naming it answered every admin request with a 500), two-factor passed.
editor_client = Client(HTTP_HOST="127.0.0.1")
editor_client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
verified = editor_client.session
verified[two_factor.SESSION_KEY] = two_factor.VERIFIED  # as after the code: the admin's pages, not the code page
verified.save()

queries, seq_scans = {}, {}
with override_settings(PAGE_CACHE_SECONDS=0):
    for name, paths in pages.items():
        counts, scans = [], 0
        for path in paths[:3]:
            with CaptureQueriesContext(connection) as captured:
                response = (editor_client if name in admin_pages else client).get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(captured))
            scans += sum(sequential_scans(query["sql"]) for query in captured.captured_queries)
        queries[name], seq_scans[name] = max(counts), scans
    static_copy = client.get(sample[0].get_absolute_url()).content.decode()

connection.ensure_connection()
if connection.vendor == "postgresql":
    database = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
else:
    import sqlite3

    database = f"SQLite {sqlite3.sqlite_version}"

print(
    json.dumps(
        {
            "database": database,
            "stories": Article.objects.count(),
            "published": published.count(),
            "pages": pages,
            "admin_pages": list(admin_pages),
            "admin_cookie": f"{settings.SESSION_COOKIE_NAME}={verified.session_key}",
            "queries": queries,
            "seq_scans": seq_scans,
            "static_copy_html": static_copy,
        }
    )
)
