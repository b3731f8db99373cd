"""Partner keys (Bearer, hashed, scoped, expiring, revocable), anonymous access, and rate limits with 429s."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiKey, Scope
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_anonymous_access_can_be_switched_off(client, story, settings, make_key):
    settings.API_ANONYMOUS_ACCESS = False
    refused = client.get("/api/v1/stories/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["error"] == "not_authenticated"
    _key, secret = make_key(Scope.STORIES)
    assert client.get("/api/v1/stories/", **bearer(secret)).status_code == 200
    # The schema and its documentation stay readable.
    assert client.get("/api/v1/schema/").status_code == 200


def test_a_key_reads_only_within_its_scopes(client, story, make_key):
    _key, stories_only = make_key(Scope.STORIES)
    assert client.get("/api/v1/stories/", **bearer(stories_only)).status_code == 200
    denied = client.get("/api/v1/changes/", **bearer(stories_only))
    assert denied.status_code == 403 and "changes" in denied.json()["detail"]
    _key, changes_only = make_key(Scope.CHANGES)
    assert client.get("/api/v1/changes/", **bearer(changes_only)).status_code == 200
    assert client.get("/api/v1/stories/", **bearer(changes_only)).status_code == 403


@pytest.mark.parametrize("header", ["Bearer nr_nope_nope", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer"])
def test_unknown_or_malformed_keys_are_401(client, header):
    response = client.get("/api/v1/stories/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_revoked_and_expired_keys_are_refused(client, make_key):
    _revoked, revoked_secret = make_key(revoked_at=timezone.now())
    _expired, expired_secret = make_key(expires_at=timezone.now() - timedelta(minutes=1))
    _later, later_secret = make_key(expires_at=timezone.now() + timedelta(days=1))
    assert client.get("/api/v1/stories/", **bearer(revoked_secret)).status_code == 401
    assert client.get("/api/v1/stories/", **bearer(expired_secret)).status_code == 401
    assert client.get("/api/v1/stories/", **bearer(later_secret)).status_code == 200


def test_only_a_hash_is_stored_and_last_use_is_recorded(client, make_key):
    key, secret = make_key()
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    assert key.key_hash == ApiKey.hash(secret)
    client.get("/api/v1/tags/", **bearer(secret))
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_editors_make_keys_in_the_admin_and_see_them_once(client, editor, journalist):
    client.force_login(editor)
    response = client.post(
        "/admin/api/apikey/add/",
        {"name": "Newsletter tool", "scopes": ["stories", "changes"], "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Newsletter tool")
    shown = [str(message) for message in response.context["messages"]]
    secret = next(word for message in shown for word in message.split() if word.startswith("nr_"))
    assert ApiKey.hash(secret) == key.key_hash and key.created_by == editor
    assert secret not in client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.force_login(journalist)
    assert client.get("/admin/api/apikey/").status_code == 403


@pytest.fixture
def one_minute(time_machine):
    """Limits count per clock minute: keep the test inside one."""
    time_machine.move_to(timezone.now().replace(second=10), tick=False)


def test_too_many_requests_from_an_address_are_429_with_retry_after(client, settings, one_minute):
    settings.API_RATE_PER_ADDRESS = 3
    statuses = [client.get("/api/v1/tags/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/tags/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) == 50
    assert limited.json()["error"] == "throttled"
    # Another address has its own count.
    assert client.get("/api/v1/tags/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_each_key_has_its_own_limit(client, settings, make_key, one_minute):
    settings.API_RATE_PER_KEY, settings.API_RATE_PER_ADDRESS = 2, 100
    _one, first = make_key()
    _two, second = make_key()
    assert [client.get("/api/v1/tags/", **bearer(first)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/tags/", **bearer(second)).status_code == 200


def test_limits_hold_for_answers_kept_in_the_cache(client, settings, story, one_minute):
    """A kept answer is still counted: the limit is checked before the cache is read."""
    settings.API_RATE_PER_ADDRESS = 2
    assert client.get("/api/v1/stories/").status_code == 200
    assert client.get("/api/v1/stories/")["X-Cache"] == "HIT"
    assert client.get("/api/v1/stories/").status_code == 429
