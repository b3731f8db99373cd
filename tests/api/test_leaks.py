"""A story taken off the site leaves every API endpoint at once, kept answers included.

The hidden states themselves are crawled on every API address with the rest of the site
(``tests/helpers/crawl.py``, ``api_urls_to_crawl``, run by ``tests/reader/test_leaks.py``).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def endpoints(story: Article, author) -> list[str]:
    """Every API address that shows the story while readers can see it."""
    return [
        "/api/v1/stories/",
        f"/api/v1/stories/{story.pk}/",
        "/api/v1/stories/?section=world",
        f"/api/v1/stories/?section={story.section_id}",
        f"/api/v1/stories/?author={author.pk}",
        "/api/v1/stories/?tag=zqtagleak",
        "/api/v1/stories/?q=zqbodyleak",
        "/api/v1/stories/?updated_since=2000-01-01T00:00:00Z",
        "/api/v1/tags/",
        "/api/v1/corrections/",
        "/api/v1/changes/",
    ]


def shows(client, url: str, story: Article) -> bool:
    response = client.get(url)
    text = response.content.decode()
    if url.startswith("/api/v1/changes/"):
        kinds = {item["kind"] for item in response.json()["results"] if item["story_id"] == story.pk}
        return bool(kinds - {"unpublished", "deleted"})
    return "zqheadlineleak" in text or "zqtagleak" in text or "zqcorrectionleak" in text


def take_down(story: Article, editor, how: str) -> None:
    if how == "unpublished":
        workflow.unpublish(story, editor, reason="Legal")
    elif how == "embargoed":
        story.embargo_until = timezone.now() + timedelta(days=1)
        story.save()
    elif how == "scheduled":
        story.published_at = timezone.now() + timedelta(days=1)
        story.save()
    elif how == "deleted":
        Article.objects.get(pk=story.pk).delete()


@pytest.mark.parametrize("how", ["unpublished", "embargoed", "scheduled", "deleted"])
def test_a_story_taken_down_disappears_from_every_endpoint_at_once(client, world, editor, committed, how):
    author = AuthorFactory()
    with committed():
        story = ArticleFactory(
            title="Visible zqheadlineleak", body="Body zqbodyleak.", section=SectionFactory(parent=world),
            authors=[author], tags=["zqtagleak"],
        )  # fmt: skip
        workflow.add_correction(story, editor, kind="correction", note="Fixed zqcorrectionleak.")
    urls = endpoints(story, author)
    for _ in range(2):  # the second reading is served from the kept answers
        assert all(shows(client, url, story) for url in urls), [url for url in urls if not shows(client, url, story)]
    with committed():
        take_down(story, editor, how)
    still = [url for url in urls if shows(client, url, story)]
    assert not still, f"{how}: still shown on {still}"
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 404
    removal = "deleted" if how == "deleted" else "unpublished"
    assert removal in {item["kind"] for item in client.get("/api/v1/changes/").json()["results"]}
