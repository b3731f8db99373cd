"""Who may do what: every role × action × state, through the admin as a browser would post it.

The expected answers are written out here from the newsroom's rules, not read
from ``workflow.py``, so a change to the rules there fails this test.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from articles import revisions
from articles.models import Article, Correction, Transition
from tests.factories import ArticleFactory, staff_user
from tests.helpers.forms import change_form_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "journalist", "other journalist", "editor", "superuser"]
STATES = ["draft", "in_review", "sent_back", "scheduled", "live", "embargoed", "unpublished"]
ACTIONS = ["add", "change", "submit", "send_back", "publish", "schedule", "unpublish", "correct", "feature",
           "delete", "restore", "history"]  # fmt: skip

NOT_LIVE_PUBLISHED = {"scheduled", "embargoed"}
EDITOR_RULES = {
    "add": set(STATES),
    "change": set(STATES),
    "submit": {"draft", "sent_back"},
    "send_back": {"in_review"},
    "publish": {"draft", "in_review", "sent_back", "unpublished", *NOT_LIVE_PUBLISHED},
    "schedule": {"draft", "in_review", "sent_back", "unpublished", *NOT_LIVE_PUBLISHED},
    "unpublish": {"scheduled", "live", "embargoed"},
    "correct": {"live"},
    "feature": set(STATES),
    "delete": set(STATES),
    "restore": set(STATES),
    "history": set(STATES),
}
OWNER_RULES = {
    "add": set(STATES),
    "change": {"draft", "sent_back"},
    "submit": {"draft", "sent_back"},
    "delete": {"draft", "sent_back"},
    "history": set(STATES),
}
OTHER_JOURNALIST_RULES = {"add": set(STATES)}


def allowed(role: str, action: str, state: str) -> bool:
    rules = {
        "anonymous": {},
        "journalist": OWNER_RULES,
        "other journalist": OTHER_JOURNALIST_RULES,
        "editor": EDITOR_RULES,
        "superuser": EDITOR_RULES,
    }[role]
    return state in rules.get(action, set())


def make_story(state: str, owner, world) -> Article:
    now = timezone.now()
    fields = {
        "draft": {"status": "draft", "published_at": None},
        "in_review": {"status": "in_review", "published_at": None, "submitted_at": now},
        "sent_back": {"status": "sent_back", "published_at": None},
        "scheduled": {"status": "published", "published_at": now + timedelta(days=1)},
        "live": {"status": "published", "published_at": now - timedelta(hours=1)},
        "embargoed": {"status": "published", "published_at": now - timedelta(hours=1),
                      "embargo_until": now + timedelta(days=1)},
        "unpublished": {"status": "unpublished", "published_at": now - timedelta(days=1)},
    }[state]  # fmt: skip
    article = ArticleFactory(
        title="Original headline", body="Original body.", section=world, created_by=owner,
        authors=[owner.author], front_page_slot=None, **fields,
    )  # fmt: skip
    revisions.record_revision(article, owner)
    article.body = "Second body."
    article.save()
    revisions.record_revision(article, owner)
    return article


def client_for(role: str, users: dict) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def attempt(client: Client, action: str, article: Article):
    """Post ``action`` the way the admin does; return a function telling whether it took effect."""
    base = f"/admin/articles/article/{article.pk}"
    # Publishing an embargoed story schedules it for the embargo's end: either way it moved to published.
    recorded = Transition.objects.filter(article=article)
    recorded = (
        recorded.filter(to_status="published") if action in ("publish", "schedule") else recorded.filter(action=action)
    )
    transitions_before = recorded.count()
    if action == "add":
        before = Article.objects.count()
        data = change_form_data(article, title="A brand new story", slug="a-brand-new-story")
        data.pop("opened_version")
        client.post("/admin/articles/article/add/", data)
        return lambda: Article.objects.count() == before + 1
    if action == "change":
        client.post(f"{base}/change/", change_form_data(article))
        return lambda: Article.objects.get(pk=article.pk).title == "Changed headline"
    if action == "feature":
        client.post(f"{base}/workflow/feature/", {"slot": "1"})
        return lambda: Article.objects.get(pk=article.pk).front_page_slot == 1
    if action == "delete":
        client.post(f"{base}/delete/", {"post": "yes"})
        return lambda: not Article.objects.filter(pk=article.pk).exists()
    if action == "restore":
        response = client.post(f"{base}/revisions/1/restore/")
        # A published story's revision goes into the form for the editor to publish (tests/admin/test_restore.py).
        loaded = response.status_code == 302 and response["Location"].endswith("/change/?restore=1")
        return lambda: loaded or Article.objects.get(pk=article.pk).body == "Original body."
    if action == "history":  # the revisions page shows text removed since the first revision
        response = client.get(f"{base}/revisions/?a=1&b=2")
        shown = response.status_code == 200 and bool(response.context["changes"])
        return lambda: shown
    if action == "correct":
        client.post(f"{base}/workflow/correct/", {"kind": "correction", "note": "We misspelt a name."})
        return lambda: Correction.objects.filter(article=article).exists()
    data = {"note": "Please tighten the second paragraph."}
    if action == "schedule":
        later = timezone.localtime(timezone.now() + timedelta(days=2))
        data.update({"publish_at_0": later.strftime("%Y-%m-%d"), "publish_at_1": later.strftime("%H:%M:%S")})
    client.post(f"{base}/workflow/{action}/", data)
    return lambda: recorded.count() > transitions_before


@pytest.fixture
def users(journalist, other_journalist, editor):
    return {
        "journalist": journalist,
        "other journalist": other_journalist,
        "editor": editor,
        "superuser": staff_user("chief", None, superuser=True),
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, action, state, users, world):
    article = make_story(state, users["journalist"], world)
    took_effect = attempt(client_for(role, users), action, article)
    assert took_effect() is allowed(role, action, state), f"{role} {action} on a {state} story"


# --- Forged requests: hiding a button is not enforcement ---------------------


@pytest.mark.parametrize(
    "forged",
    [
        {"status": "published"},
        {"published_at_0": "2020-01-01", "published_at_1": "00:00:00"},
        {"front_page_slot": "1"},
        {"embargo_until_0": "2020-01-01", "embargo_until_1": "00:00:00"},
    ],
)
def test_a_journalist_forging_desk_fields_in_the_story_form_is_refused(journalist, world, client, forged):
    article = make_story("draft", journalist, world)
    client.force_login(journalist)
    response = client.post(f"/admin/articles/article/{article.pk}/change/", change_form_data(article, **forged))
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.status, article.published_at, article.front_page_slot, article.title) == (
        "draft", None, None, "Original headline"
    )  # fmt: skip


def test_even_an_editor_changes_status_only_through_transitions(editor, journalist, world, client):
    article = make_story("in_review", journalist, world)
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/", change_form_data(article, status="published")
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == "in_review"


def test_a_journalist_cannot_edit_another_journalists_story(journalist, other_journalist, world, client):
    article = make_story("draft", other_journalist, world)
    client.force_login(journalist)
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    # Refused, saying whose it is (not Django's untrue "doesn't exist. Perhaps it was deleted?").
    assert response.status_code == 403 and "Lena Hoffmann’s story" in response.content.decode()
    client.post(f"/admin/articles/article/{article.pk}/change/", change_form_data(article))
    assert Article.objects.get(pk=article.pk).title == "Original headline"


def test_a_journalist_sees_only_their_own_unpublished_stories(journalist, other_journalist, world, client):
    mine = make_story("draft", journalist, world)
    theirs = make_story("draft", other_journalist, world)
    live = make_story("live", other_journalist, world)
    client.force_login(journalist)
    listed = set(client.get("/admin/articles/article/").context["cl"].result_list)
    assert listed == {mine, live} and theirs not in listed


def test_bulk_publish_is_not_offered_to_journalists_and_does_nothing_if_posted(journalist, world, client):
    article = make_story("draft", journalist, world)
    client.force_login(journalist)
    changelist = client.get("/admin/articles/article/").content.decode()
    assert "publish_selected" not in changelist
    client.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_bulk_delete_of_a_published_story_by_a_journalist_is_refused(journalist, world, client):
    own_draft = make_story("draft", journalist, world)
    live = make_story("live", journalist, world)
    client.force_login(journalist)
    response = client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [own_draft.pk, live.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk__in=[own_draft.pk, live.pk]).count() == 2


def test_bulk_actions_apply_the_rules_story_by_story(editor, journalist, world, client):
    in_review = make_story("in_review", journalist, world)
    live = make_story("live", journalist, world)
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [in_review.pk, live.pk]},
        follow=True,
    )
    assert Article.objects.get(pk=in_review.pk).is_published
    assert "already live" in response.content.decode()


def test_journalists_cannot_reach_desk_pages(journalist, world, client):
    article = make_story("live", journalist, world)
    client.force_login(journalist)
    assert client.get("/admin/articles/storyinreview/").status_code == 403
    assert client.get(f"/admin/articles/article/{article.pk}/workflow/unpublish/").status_code == 403
    assert client.get(f"/admin/articles/article/{article.pk}/workflow/preview_link/").status_code == 403


def test_roles_hold_the_publish_permission_as_documented(journalist, editor):
    assert not journalist.has_perm("articles.publish_article")
    assert editor.has_perm("articles.publish_article")
    assert not AnonymousUser().has_perm("articles.publish_article")


def test_roles_are_kept_in_sync_with_the_code(db):
    from django.contrib.auth.models import Group

    from articles.roles import EDITOR, sync_roles

    editors = Group.objects.get(name=EDITOR)
    editors.permissions.clear()
    sync_roles()
    assert editors.permissions.filter(codename="publish_article").exists()
    assert editors.permissions.filter(codename="change_section").exists()


def test_another_journalist_reads_a_live_story_but_not_its_history(journalist, other_journalist, world, client):
    """Finding 4: text cut before publication and the desk's notes are not for every writer."""
    article = make_story("live", journalist, world)
    Transition.objects.create(
        article=article, from_status="in_review", to_status="sent_back", action="send_back", actor=journalist,
        note="Legal says cut the paragraph about the minister's son.",
    )  # fmt: skip
    client.force_login(other_journalist)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Second body." in page  # the published text
    assert "minister's son" not in page and "minister&#x27;s son" not in page
    assert "Revisions (" not in page
    assert client.get(f"/admin/articles/article/{article.pk}/revisions/").status_code == 403
    assert client.get(f"/admin/articles/article/{article.pk}/history/").status_code == 403
    client.force_login(journalist)
    assert "minister&#x27;s son" in client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
