"""The periodic housekeeping that ``celery -A newsroom beat`` schedules, run as the worker would."""

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from newsroom.celery import app
from operations import tasks

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_expired_sessions_are_cleared():
    expired, current = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.save()
    current.save()
    tasks.clear_expired_sessions.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_login_records_older_than_the_retention_are_forgotten(settings):
    settings.LOGIN_RECORDS_DAYS = 90
    now = timezone.now()
    for model in (AccessLog, AccessFailureLog):
        for days in (91, 89):
            record = model.objects.create(username=f"{days} days ago", ip_address="192.0.2.1", user_agent="")
            model.objects.filter(pk=record.pk).update(attempt_time=now - timedelta(days=days))  # auto_now_add

    tasks.forget_old_login_records.delay()

    for model in (AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["89 days ago"]


def test_preview_links_that_ended_long_ago_are_forgotten_with_their_records(settings):
    from articles.models import PreviewLink, PreviewLinkUse
    from tests.factories import ArticleFactory

    settings.PREVIEW_LINK_RECORDS_DAYS = 90
    now = timezone.now()
    story = ArticleFactory()
    links = {
        "expired long ago": {"expires_at": now - timedelta(days=91)},
        "revoked long ago": {"expires_at": now + timedelta(days=1), "revoked_at": now - timedelta(days=91)},
        "expired lately": {"expires_at": now - timedelta(days=89)},
        "working": {"expires_at": now + timedelta(days=1)},
    }
    for label, dates in links.items():
        link = PreviewLink.objects.create(article=story, label=label, token_hash=label, **dates)
        PreviewLinkUse.objects.create(link=link, ip_address="192.0.2.1", allowed=True)

    tasks.forget_old_preview_links.delay()

    assert sorted(PreviewLink.objects.values_list("label", flat=True)) == ["expired lately", "working"]
    assert PreviewLinkUse.objects.count() == 2
