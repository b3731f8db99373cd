"""Finding 6: staff sessions end when idle and at a maximum age, and can be ended everywhere."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry, Event

pytestmark = pytest.mark.django_db


def test_an_idle_staff_session_ends(client, journalist, settings, time_machine):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(journalist)
    assert client.get("/admin/").status_code == 200
    time_machine.shift(timedelta(minutes=29))
    assert client.get("/admin/").status_code == 200  # a request keeps it alive
    time_machine.shift(timedelta(minutes=29))
    assert client.get("/admin/").status_code == 200
    time_machine.shift(timedelta(minutes=31))
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_a_busy_staff_session_ends_at_its_maximum_age(client, journalist, settings, time_machine):
    settings.STAFF_SESSION_IDLE_MINUTES = 60
    settings.STAFF_SESSION_MAX_HOURS = 2
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(journalist)
    for _ in range(4):
        time_machine.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200
    time_machine.shift(timedelta(minutes=10))
    assert client.get("/admin/").status_code == 302


def test_the_defaults_are_eight_idle_hours_and_a_day(settings):
    assert settings.STAFF_SESSION_IDLE_MINUTES == 8 * 60
    assert settings.STAFF_SESSION_MAX_HOURS == 24


def test_signing_out_everywhere_ends_every_session_of_mine(client, journalist, other_journalist):
    from django.test import Client

    laptop, phone, colleague = Client(), Client(), Client()
    laptop.force_login(journalist)
    phone.force_login(journalist)
    colleague.force_login(other_journalist)
    response = laptop.post("/admin/two-factor/", {"action": "sign-out-everywhere"})
    assert response.status_code == 302
    assert phone.get("/admin/").status_code == 302
    assert laptop.get("/admin/").status_code == 302
    assert colleague.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(event=Event.SESSIONS_ENDED, actor=journalist).exists()


def test_an_administrator_signs_someone_out_everywhere(client, journalist):
    from django.test import Client

    from tests.factories import staff_user

    stolen_laptop = Client()
    stolen_laptop.force_login(journalist)
    client.force_login(staff_user("root", None, superuser=True))
    client.post("/admin/auth/user/", {"action": "end_sessions", "_selected_action": [journalist.pk]})
    assert stolen_laptop.get("/admin/").status_code == 302


@pytest.mark.parametrize("weak", ["password", "password1", "12345678", "qwertyuiop"])
def test_django_password_validators_refuse_common_passwords(journalist, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, journalist)
