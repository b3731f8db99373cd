"""The audit log: an entry for each security-relevant event, read-only in the admin, exported, cleaned up."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry, Event
from audit.tasks import forget_old_entries
from tests.factories import ArticleFactory, UserFactory, staff_user
from tests.helpers.two_factor import current_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def events(**filters) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk").values_list("event", flat=True))


def test_sign_in_failure_and_lockout_are_recorded_with_the_address(client, journalist, settings):
    client.post("/admin/login/", {"username": "journalist", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    failed = AuditEntry.objects.get(event=Event.SIGN_IN_FAILED)
    assert (failed.actor_name, failed.address) == ("journalist", "192.0.2.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "journalist", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    assert AuditEntry.objects.filter(event=Event.LOCKED_OUT, actor_name="journalist").exists()
    settings.LOGIN_USERNAME_SLOWDOWN_SECONDS = 0
    client.post("/admin/login/", {"username": "journalist", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8")
    signed_in = AuditEntry.objects.get(event=Event.SIGNED_IN)
    assert (signed_in.actor, signed_in.address) == (journalist, "192.0.2.8")


def test_two_factor_events_are_recorded(client, editor):
    client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    client.post("/admin/two-factor/code/", {"code": "12345"})
    client.post("/admin/two-factor/code/", {"code": current_code(editor)})
    assert events(actor=editor) == [Event.TWO_FACTOR_FAILED, Event.SIGNED_IN]


def test_account_creation_roles_staff_status_and_deactivation_are_recorded(client, journalist):
    root = staff_user("root", None, superuser=True)
    client.force_login(root)
    AuditEntry.objects.all().delete()
    client.post(
        "/admin/auth/user/add/",
        {"username": "newhire", "password1": "a long new passphrase 42", "password2": "a long new passphrase 42",
         "usable_password": "true"},
    )  # fmt: skip
    assert AuditEntry.objects.get(event=Event.USER_CREATED).target == "newhire"
    assert AuditEntry.objects.get(event=Event.USER_CREATED).actor == root
    journalist.groups.add(Group.objects.get(name="Editor"))
    assert AuditEntry.objects.get(event=Event.GROUPS_CHANGED).details == "added: Editor"
    journalist.is_superuser = True
    journalist.save()
    assert "is_superuser: False → True" in AuditEntry.objects.get(event=Event.STAFF_STATUS_CHANGED).details
    journalist.is_active = False
    journalist.save()
    assert AuditEntry.objects.get(event=Event.USER_DEACTIVATED).target == "journalist"


def test_preview_links_imports_and_backups_are_recorded(client, editor, world, tmp_path):
    from articles.previews import create_link, revoke_link

    story = ArticleFactory(section=world, status="in_review")
    link, _ = create_link(story, editor, label="Lawyer")
    revoke_link(link, editor)
    assert events(actor=editor) == [Event.PREVIEW_LINK_CREATED, Event.PREVIEW_LINK_REVOKED]
    text = tmp_path / "story.txt"
    text.write_text("A headline\n\nA body.", encoding="utf-8")
    call_command("import_story", str(text), "--section", "world", verbosity=0)
    assert "1 created" in AuditEntry.objects.get(event=Event.IMPORT_RUN).details
    call_command("backup", str(tmp_path / "backup.tar.gz"), verbosity=0)
    assert AuditEntry.objects.filter(event=Event.BACKUP).exists()


def test_the_log_is_append_only():
    entry = AuditEntry.objects.create(event=Event.SIGNED_IN, actor_name="x")
    entry.details = "changed"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        AuditEntry.objects.update(details="changed")


def test_superusers_read_filter_and_export_it_but_nobody_edits_it(client, editor):
    entry = AuditEntry.objects.create(event=Event.SIGN_IN_FAILED, actor_name="=HYPERLINK(evil)", address="192.0.2.1")
    AuditEntry.objects.create(event=Event.SIGNED_IN, actor_name="someone")
    root = staff_user("root", None, superuser=True)
    client.force_login(root)
    page = client.get("/admin/audit/auditentry/?event=sign_in_failed")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [entry]
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"details": "x"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    csv = b"".join(client.get("/admin/audit/auditentry/export.csv?event=sign_in_failed").streaming_content).decode()
    assert csv.splitlines()[0] == "at,event,who,from,about,details"
    assert "'=HYPERLINK(evil)" in csv and "someone" not in csv
    client.force_login(editor)
    assert client.get("/admin/audit/auditentry/").status_code == 403
    assert client.get("/admin/audit/auditentry/export.csv").status_code == 403


def test_old_entries_are_forgotten(settings, time_machine):
    settings.AUDIT_LOG_DAYS = 30
    AuditEntry.objects.create(event=Event.SIGNED_IN, at=timezone.now() - timedelta(days=31))
    recent = AuditEntry.objects.create(event=Event.SIGNED_IN, at=timezone.now() - timedelta(days=29))
    assert forget_old_entries() == 1
    assert list(AuditEntry.objects.all()) == [recent]
    assert "forget-old-audit-entries" in settings.CELERY_BEAT_SCHEDULE


def test_an_account_without_staff_status_is_recorded_too():
    UserFactory(username="reader")
    assert AuditEntry.objects.get(event=Event.USER_CREATED).target == "reader"
