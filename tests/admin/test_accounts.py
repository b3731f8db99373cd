"""Staff accounts: login lockout that a forged header cannot dodge, passwords, and the audit trail."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def attempt(client, username: str, password: str, **headers):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, journalist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "journalist", "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "journalist", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert not logged_in(attempt(client, "journalist", PASSWORD))


def test_a_spoofed_forwarded_for_header_does_not_reset_the_count(client, journalist, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "journalist", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert attempt(client, "journalist", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_failures_from_five_addresses_do_not_lock_the_real_person_out(client, journalist, settings):
    """Finding 1: anyone could lock any staff member out by failing their logins from anywhere."""
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "journalist", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    settings.LOGIN_USERNAME_SLOWDOWN_SECONDS = 0  # the slowdown is tested on its own
    assert logged_in(attempt(client, "journalist", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_the_pair_is_locked_out_but_the_address_may_try_another_account(client, journalist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "journalist", "wrong")
    assert attempt(client, "journalist", PASSWORD).status_code == 429
    assert attempt(client, "other", "wrong").status_code == 200


def test_guessing_many_usernames_from_one_address_is_locked_out_at_the_looser_limit(client, db, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        assert attempt(client, f"user{number}", "wrong").status_code == 200
    assert attempt(client, "someone-else", "wrong").status_code == 429
    assert attempt(client, "and-another", "wrong").status_code == 429


def test_many_failures_for_one_username_slow_it_down_without_locking_it_out(client, journalist, settings, time_machine):
    settings.TRUSTED_PROXY_COUNT = 1
    time_machine.move_to(timezone.now(), tick=False)
    for number in range(settings.LOGIN_USERNAME_SLOWDOWN_AFTER):
        attempt(client, "journalist", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    slowed = attempt(client, "journalist", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert slowed.status_code == 200
    assert "Please wait" in slowed.content.decode()
    time_machine.shift(timedelta(seconds=settings.LOGIN_USERNAME_SLOWDOWN_SECONDS + 1))
    assert logged_in(attempt(client, "journalist", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_the_lockout_page_says_whom_to_ask(client, journalist, settings):
    settings.LOGIN_HELP = "Call the night editor on +44 20 7946 0000."
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "journalist", "wrong")
    page = attempt(client, "journalist", PASSWORD).content.decode()
    assert "Call the night editor on +44 20 7946 0000." in page
    assert "15 minutes" in page


def test_behind_a_trusted_proxy_the_address_it_reports_is_used(client, journalist, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"nobody{_}", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    # The client can prepend anything; the proxy's own entry (last) still identifies it.
    assert attempt(client, "nobody-else", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9").status_code == 429
    # Another real client, behind the same proxy, is not locked out.
    assert logged_in(attempt(client, "journalist", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50"))


def test_the_lockout_ends_after_the_cool_off(client, journalist, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "journalist", "wrong")
    assert attempt(client, "journalist", PASSWORD).status_code == 429
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    assert logged_in(attempt(client, "journalist", PASSWORD))


def test_an_administrator_can_unlock_an_account(client, journalist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "journalist", "wrong")
    call_command("axes_reset", verbosity=0)
    assert logged_in(attempt(client, "journalist", PASSWORD))


def test_a_successful_login_resets_the_failure_count(client, journalist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "journalist", "wrong")
    assert logged_in(attempt(client, "journalist", PASSWORD))
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "journalist", "wrong")
    assert logged_in(attempt(client, "journalist", PASSWORD))


@pytest.mark.parametrize("weak", ["password", "12345678", "journalist1", "short"])
def test_weak_passwords_are_refused(journalist, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, journalist)


def test_staff_actions_are_in_the_audit_trail(client, journalist, editor, world):
    story = ArticleFactory(title="Audited", section=world, created_by=journalist, status="in_review")
    client.force_login(editor)
    client.post(f"/admin/articles/article/{story.pk}/workflow/publish/", {"note": ""})
    client.post(f"/admin/articles/article/{story.pk}/workflow/unpublish/", {"note": "Legal"})
    client.post(f"/admin/articles/article/{story.pk}/workflow/preview_link/", {"label": "Lawyer", "hours": 2})
    messages = list(
        LogEntry.objects.filter(object_id=str(story.pk), user=editor).values_list("change_message", flat=True)
    )
    assert "Published: readers can see it now." in messages
    assert "Unpublished: readers can no longer see it." in messages
    assert "Preview link created." in messages
    assert Article.objects.get(pk=story.pk).transitions.filter(actor=editor).count() == 2


def test_role_changes_are_in_the_audit_trail(client, journalist, db):
    from django.contrib.auth.models import Group

    from tests.factories import staff_user

    admin_user = staff_user("root", None, superuser=True)
    client.force_login(admin_user)
    editors = Group.objects.get(name="Editor")
    client.post(
        f"/admin/auth/user/{journalist.pk}/change/",
        {
            "username": "journalist", "is_active": "on", "is_staff": "on", "groups": [editors.pk],
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "00:00:00",
        },
    )  # fmt: skip
    journalist.refresh_from_db()
    assert journalist.groups.filter(name="Editor").exists()
    entry = LogEntry.objects.filter(object_id=str(journalist.pk), user=admin_user).latest("action_time")
    assert "Groups" in entry.get_change_message()
