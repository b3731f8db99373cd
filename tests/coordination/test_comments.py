"""Editorial comments: who may read and write them, threads, quotes, resolving, mentions and replies."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles import workflow
from coordination.comments import add_comment, set_resolved
from coordination.models import Comment
from coordination.permissions import may_comment
from notifications.models import Event, Notification
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(journalist, world):
    return ArticleFactory(
        draft=True, title="Bridge talks", body="The mayor said yes.\n\nThe council said no.", section=world,
        authors=[journalist.author], created_by=journalist,
    )  # fmt: skip


def test_editors_and_the_storys_journalists_may_comment_nobody_else(draft, editor, journalist, other_journalist):
    assert may_comment(editor, draft)
    assert may_comment(journalist, draft)
    assert not may_comment(other_journalist, draft)
    workflow.submit(draft, journalist)
    assert may_comment(journalist, draft)  # the conversation goes on while the desk has it
    with pytest.raises(PermissionDenied):
        add_comment(draft, other_journalist, body="Let me in")


def test_a_mention_notifies_the_colleague_and_a_reply_the_commenter(draft, editor, journalist):
    thread = add_comment(draft, editor, body="@journalist is this sourced?", quote="The mayor said yes.")
    mention = Notification.objects.get(event=Event.MENTIONED)
    assert (mention.recipient, mention.actor, mention.text) == (journalist, editor, "@journalist is this sourced?")
    add_comment(draft, journalist, body="Yes, on tape.", parent=thread)
    reply = Notification.objects.get(event=Event.REPLIED)
    assert (reply.recipient, reply.text) == (editor, "Yes, on tape.")


def test_a_mentioned_colleague_who_may_not_see_the_story_learns_only_its_headline(draft, editor, other_journalist):
    add_comment(draft, editor, body="@other the mayor is the source")
    mention = Notification.objects.get(recipient=other_journalist)
    assert (mention.headline, mention.text) == ("Bridge talks", "")


def test_an_e_mail_address_is_not_a_mention(draft, editor, journalist):
    add_comment(draft, editor, body="Write to press@journalist.org")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"body": "  "}, "Write a comment"),
        ({"body": "Hm", "quote": "The mayor said maybe."}, "exactly as it is"),
    ],
)
def test_a_bad_comment_is_refused_with_the_reason(draft, editor, fields, error):
    with pytest.raises(ValidationError, match=error):
        add_comment(draft, editor, **fields)
    assert not Comment.objects.exists()


def test_replies_are_one_level_and_resolving_a_reply_resolves_its_thread(draft, editor, journalist):
    thread = add_comment(draft, editor, body="Shorter?")
    reply = add_comment(draft, journalist, body="Done.", parent=thread)
    with pytest.raises(ValidationError, match="first comment"):
        add_comment(draft, editor, body="Nested", parent=reply)
    assert set_resolved(reply, journalist, resolved=True) == thread
    thread.refresh_from_db()
    assert thread.is_resolved and thread.resolved_by == journalist
    set_resolved(thread, editor, resolved=False)
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_the_discussion_page_threads_replies_and_resolves(
    client, draft, editor, journalist, django_assert_max_num_queries
):
    for n in range(3):
        thread = add_comment(draft, editor, body=f"Point {n}", quote="The council said no.")
        add_comment(draft, journalist, body=f"Answer {n}", parent=thread)
    client.force_login(journalist)
    page = reverse("admin:coordination_comment_story", args=[draft.pk])
    with django_assert_max_num_queries(12):  # a fixed number, whatever the threads and replies
        response = client.get(page)
    assert "Point 2" in response.text and "Answer 2" in response.text and "The council said no." in response.text
    response = client.post(page, {"parent": thread.pk, "body": "Fixed now"})
    assert response.status_code == 302
    client.post(reverse("admin:coordination_comment_resolve", args=[thread.pk]), {"resolved": "1"})
    assert "— resolved" in client.get(page).text
    client.post(page, {"body": "New point", "quote": "Not in the story"})
    assert not Comment.objects.filter(body="New point").exists()


def test_someone_else_cannot_open_or_post_to_the_discussion(client, draft, editor, other_journalist):
    thread = add_comment(draft, editor, body="Private to the desk")
    client.force_login(other_journalist)
    assert client.get(reverse("admin:coordination_comment_story", args=[draft.pk])).status_code == 403
    assert (
        client.post(reverse("admin:coordination_comment_resolve", args=[thread.pk]), {"resolved": "1"}).status_code
        == 403
    )
    listing = client.get(reverse("admin:coordination_comment_changelist"))
    assert "Private to the desk" not in listing.text


def test_the_story_page_lists_its_threads_to_those_who_may_read_them(
    client, world, editor, journalist, other_journalist
):
    story = ArticleFactory(title="Live story", section=world, authors=[journalist.author], created_by=journalist)
    thread = add_comment(story, editor, body="Is the second quote still right?", quote="First paragraph.")
    add_comment(story, journalist, body="Checked it.", parent=thread)
    set_resolved(thread, journalist, resolved=True)
    page = reverse("admin:articles_article_change", args=[story.pk])
    client.force_login(journalist)
    shown = client.get(page).text
    assert "Is the second quote still right?" in shown and "1 reply" in shown and "(resolved)" in shown
    client.force_login(other_journalist)  # may view the published story, not its comments
    response = client.get(page)
    assert response.status_code == 200
    assert "Live story" in response.text and "Is the second quote still right?" not in response.text


def test_a_journalist_an_editor_assigned_the_story_to_may_comment_too(draft, editor, other_journalist):
    from django.utils import timezone

    from coordination.models import Plan
    from coordination.permissions import stories_commentable_by

    assert not may_comment(other_journalist, draft)
    plan = Plan.objects.create(slug_line="Bridge talks", section=draft.section, deadline=timezone.now(), story=draft)
    plan.assignees.add(other_journalist)
    assert may_comment(other_journalist, draft)
    assert list(stories_commentable_by(other_journalist, draft.__class__.objects.all())) == [draft]
    add_comment(draft, other_journalist, body="I have the mayor's quote.")


def test_the_storys_timeline_interleaves_its_steps_and_comments_by_time(client, draft, editor, journalist):
    from django.utils import timezone

    workflow.submit(draft, journalist)
    thread = add_comment(draft, editor, body="Is the council's vote confirmed?")
    Comment.objects.filter(pk=thread.pk).update(created_at=timezone.now() + timezone.timedelta(minutes=1))
    workflow.send_back(draft, editor, note="Confirm the vote, then resubmit.")
    client.force_login(journalist)
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).text
    timeline = page.split('id="timeline-heading"', 1)[1].split("</section>", 1)[0]
    # Newest first: the comment (a minute later) above the send-back, above the submission.
    positions = [timeline.index(text) for text in ("vote confirmed?", "Confirm the vote", "(submit)")]
    assert positions == sorted(positions)
    assert "Comment on this story" in timeline
