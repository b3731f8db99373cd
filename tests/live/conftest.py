import pytest

from live.models import LiveCoverage
from tests.factories import ArticleFactory


@pytest.fixture
def coverage(world, journalist, editor):
    """A published live story with the journalist on its byline; direct posting off."""
    article = ArticleFactory(
        title="Summit in Kyiv", body="", section=world, authors=[journalist.author], created_by=editor
    )
    return LiveCoverage.objects.create(article=article, key_points="- Leaders meet in Kyiv.\n- Talks on air defence.")
