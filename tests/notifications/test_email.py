"""Notification e-mails end to end, through a real SMTP server on loopback, and when SMTP fails."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import workflow
from articles.models import Article
from notifications.delivery import CATCH_UP_AFTER, unsubscribe_token
from notifications.events import notify
from notifications.models import Delivery, Event, Notification, Preference
from tests.factories import ArticleFactory
from tests.helpers.smtp import text_and_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(journalist, world):
    return ArticleFactory(
        draft=True, title="Bridge talks", body="The source is the mayor.", section=world,
        authors=[journalist.author], created_by=journalist,
    )  # fmt: skip


def test_submitting_e_mails_the_editor_after_the_commit(smtp_server, committed, draft, journalist, editor, settings):
    with committed():
        workflow.submit(draft, journalist)
        assert smtp_server.messages == []  # nothing is sent before the commit
    (message,) = smtp_server.to(editor.email)
    assert message["Subject"].strip() == f"[{settings.SITE_NAME}] journalist submitted “Bridge talks”"
    assert message["To"] == editor.email
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    text, html = text_and_html(message)
    story_link = f"{settings.SITE_URL}{reverse('admin:articles_article_change', args=[draft.pk])}"
    assert story_link in text
    assert f'href="{story_link}"' in html
    unsubscribe = message["List-Unsubscribe"].strip()  # long headers are folded onto a new line
    assert unsubscribe.startswith(f"<{settings.SITE_URL}/admin/notifications/notification/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = Notification.objects.get(recipient=editor)
    assert notification.emailed_at is not None and notification.email_attempts == 1


def test_sent_back_e_mail_carries_the_note(smtp_server, committed, draft, journalist, editor):
    workflow.submit(draft, journalist)
    with committed():
        workflow.send_back(draft, editor, note="Check the minister's quote.")
    (message,) = smtp_server.to(journalist.email)
    assert "Check the minister's quote." in text_and_html(message)[0]


def test_admin_only_events_send_no_e_mail_and_digests_gather_the_rest(
    smtp_server, committed, draft, journalist, editor
):
    Preference.objects.create(user=journalist, event=Event.SENT_BACK, delivery=Delivery.DIGEST)
    workflow.submit(draft, journalist)
    with committed():
        workflow.send_back(draft, editor, note="Shorter, please.")
        workflow.submit(draft, journalist)
        workflow.publish(draft, editor)  # "published" is in the admin only by default
    assert smtp_server.to(journalist.email) == []
    call_command("send_notifications", "--digests", stdout=None)
    (digest,) = smtp_server.to(journalist.email)
    assert "digest: 1 notification" in digest["Subject"]
    assert "Shorter, please." in text_and_html(digest)[0]
    call_command("send_notifications", "--digests")  # nothing twice
    assert len(smtp_server.to(journalist.email)) == 1


def test_no_unpublished_content_reaches_someone_who_may_not_see_it(smtp_server, committed, draft, other_journalist):
    with committed():
        notify([other_journalist], Event.MENTIONED, draft, text="The source is the mayor.")
    (message,) = smtp_server.to(other_journalist.email)
    text, html = text_and_html(message)
    assert "Bridge talks" in text
    assert "mayor" not in text + html


def test_a_refused_connection_leaves_the_e_mail_queued_and_the_editors_action_done(
    no_smtp_server, committed, draft, journalist, editor, settings, time_machine, smtp_servers
):
    with committed():
        outcome = workflow.submit(draft, journalist)
    assert outcome.article.status == Article.Status.IN_REVIEW
    notification = Notification.objects.get(recipient=editor)
    assert notification.emailed_at is None
    assert notification.email_attempts == 1
    assert "ConnectionRefusedError" in notification.email_error

    mailbox = smtp_servers()  # the server is back
    time_machine.move_to(notification.created_at + CATCH_UP_AFTER + timedelta(seconds=1))
    call_command("send_notifications")
    assert len(mailbox.to(editor.email)) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.email_error == ""


def test_a_4xx_answer_leaves_the_e_mail_queued_for_retry(smtp_server, committed, draft, journalist, editor, server_log):
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    with committed():
        workflow.submit(draft, journalist)
    notification = Notification.objects.get(recipient=editor)
    assert (notification.emailed_at, notification.email_attempts) == (None, 1)
    assert "451" in notification.email_error
    assert any("stays queued" in record.getMessage() for record in server_log)


def test_the_unsubscribe_link_stops_that_kind_of_e_mail_without_logging_in(client, editor):
    url = reverse("admin:notifications_unsubscribe", args=[unsubscribe_token(editor, Event.SUBMITTED)])
    assert "Stop e-mails" in client.get(url).text
    assert not Preference.objects.exists()  # a GET (a mail scanner following links) changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.delivery_for(editor, Event.SUBMITTED) == Delivery.ADMIN
    assert client.post(url[:-5] + "xxxx/").status_code == 404


def test_a_server_that_never_answers_times_out_and_the_e_mail_stays_queued(
    settings, committed, draft, journalist, editor
):
    import socket

    from tests.helpers.smtp import _use_smtp

    with socket.socket() as silent:  # accepts connections (the backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        _use_smtp(settings, silent.getsockname()[1])
        settings.EMAIL_TIMEOUT = 1
        with committed():
            workflow.submit(draft, journalist)
    notification = Notification.objects.get(recipient=editor)
    assert (notification.emailed_at, notification.email_attempts) == (None, 1)
    assert "timed out" in notification.email_error.lower()


def test_a_hopeless_e_mail_is_given_up_on_after_many_attempts(no_smtp_server, draft, editor, time_machine, server_log):
    from notifications.delivery import MOST_ATTEMPTS

    (notification,) = notify([editor], Event.SUBMITTED, draft)
    Notification.objects.filter(pk=notification.pk).update(email_attempts=MOST_ATTEMPTS - 1)
    time_machine.move_to(notification.created_at + CATCH_UP_AFTER + timedelta(seconds=1))
    call_command("send_notifications")
    assert any("given up after" in record.getMessage() for record in server_log)
    call_command("send_notifications")  # no more attempts
    notification.refresh_from_db()
    assert notification.email_attempts == MOST_ATTEMPTS and notification.emailed_at is None
