"""The content API's fixtures: a client that reads JSON, partner keys, and no settling delay on the changes feed."""

import pytest

from api.models import ApiKey, Scope


@pytest.fixture(autouse=True)
def _changes_at_once(settings):
    """The feed lists a change the moment it is committed (production waits API_CHANGES_SETTLE_SECONDS)."""
    settings.API_CHANGES_SETTLE_SECONDS = 0


@pytest.fixture
def make_key(db):
    """A partner key with these scopes: (the row, the secret to send)."""

    def make(*scopes: str, **fields) -> tuple[ApiKey, str]:
        key = ApiKey(name="Partner", scopes=list(scopes or [Scope.STORIES, Scope.CHANGES]), **fields)
        secret = key.issue()
        key.save()
        return key, secret

    return make


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
