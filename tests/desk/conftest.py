import pytest
from django.test import Client

from tests.factories import ArticleFactory


@pytest.fixture
def as_user():
    """A client logged in as ``user``; ``enforce_csrf`` for the tests that forge requests."""

    def log_in(user, *, enforce_csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def own_draft(journalist, world):
    return ArticleFactory(draft=True, section=world, authors=[journalist.author], created_by=journalist)


@pytest.fixture
def others_draft(other_journalist, world):
    return ArticleFactory(draft=True, section=world, authors=[other_journalist.author], created_by=other_journalist)
