"""Two-factor sign-in: codes after the password, enrolment, recovery codes, resets, the policy and lockout."""

import pytest
from django.contrib.admin.models import LogEntry
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from audit.models import AuditEntry, Event
from tests.factories import staff_user
from tests.helpers.two_factor import current_code, enrol, format_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def password(client, username: str, *, next_url: str = "/admin/"):
    return client.post(f"/admin/login/?next={next_url}", {"username": username, "password": PASSWORD})


def code(client, value: str):
    return client.post("/admin/two-factor/code/", {"code": value})


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_policy_requires_editors_and_superusers_by_default(settings, editor, journalist):
    assert settings.TWO_FACTOR_REQUIRED_GROUPS == ["Editor"]
    assert two_factor.two_factor_required(editor)
    assert two_factor.two_factor_required(staff_user("root", None, superuser=True))
    assert not two_factor.two_factor_required(journalist)


def test_an_editor_gives_a_code_after_the_password(client, editor):
    response = password(client, "editor", next_url="/admin/articles/article/")
    assert response["Location"] == "/admin/two-factor/code/"
    assert not signed_in(client)  # the password alone opens nothing
    assert code(client, current_code(editor))["Location"] == "/admin/articles/article/"
    assert signed_in(client)


def test_a_wrong_code_is_refused(client, editor):
    password(client, "editor")
    refused = code(client, "000000" if current_code(editor) != "000000" else "111111")
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert not signed_in(client)


def test_a_code_is_not_accepted_twice(client, editor):
    password(client, "editor")
    used = current_code(editor)
    code(client, used)
    client.logout()
    password(client, "editor")
    assert code(client, used).status_code == 200  # a replayed code
    assert not signed_in(client)


def test_a_journalist_without_a_device_signs_in_with_the_password(client, journalist):
    assert password(client, "journalist")["Location"] == "/admin/"
    assert signed_in(client)


def test_a_journalist_who_enrolled_is_asked_for_a_code(client, journalist):
    enrol(journalist)
    assert password(client, "journalist")["Location"] == "/admin/two-factor/code/"
    code(client, current_code(journalist))
    assert signed_in(client)


def test_a_setting_requires_it_of_all_staff(client, journalist, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL_STAFF = True
    assert password(client, "journalist")["Location"] == "/admin/two-factor/enrol/"


def test_a_required_user_without_a_device_is_sent_to_enrolment_and_can_do_nothing_else(client, db):
    newcomer = staff_user("newcomer", "Editor")
    TOTPDevice.objects.filter(user=newcomer).delete()
    assert password(client, "newcomer")["Location"] == "/admin/two-factor/enrol/"
    for page in ["/admin/", "/admin/articles/article/", "/admin/desk/", "/admin/two-factor/"]:
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], page
    page = client.get("/admin/two-factor/enrol/").content.decode()
    assert "<svg" in page  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert two_factor.secret_of(device) in page
    done = client.post("/admin/two-factor/enrol/", {"code": format_code(device.bin_key)})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(token in done.content.decode() for token in codes)
    assert signed_in(client)
    assert TOTPDevice.objects.get(user=newcomer).confirmed


def test_a_recovery_code_signs_in_once(client, editor):
    codes = two_factor.new_recovery_codes(editor)
    password(client, "editor")
    assert code(client, codes[0])["Location"] == "/admin/"
    assert signed_in(client)
    assert StaticToken.objects.filter(device__user=editor).count() == 9
    assert AuditEntry.objects.filter(event=Event.RECOVERY_CODE_USED, actor=editor).exists()
    client.logout()
    password(client, "editor")
    assert code(client, codes[0]).status_code == 200
    assert not signed_in(client)


def test_brute_forcing_codes_is_locked_out_and_the_password_does_not_reset_the_count(client, editor, settings):
    right = current_code(editor)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    password(client, "editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        code(client, wrong)
    password(client, "editor")  # the password again, which an attacker has
    code(client, wrong)
    locked = code(client, wrong)
    assert locked.status_code == 429
    assert code(client, current_code(editor)).status_code == 429
    assert password(client, "editor").status_code == 429
    assert not signed_in(client)
    assert AuditEntry.objects.filter(event=Event.TWO_FACTOR_FAILED).count() >= settings.AXES_FAILURE_LIMIT - 1


def test_an_old_session_without_the_second_factor_is_sent_to_sign_in(client, editor):
    client.force_login(editor)
    session = client.session
    del session[two_factor.SESSION_KEY]  # signed in before the policy, or before becoming an editor
    session.save()
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not signed_in(client)


def test_an_administrator_resets_a_lost_device_and_it_is_logged(client, editor):
    root = staff_user("root", None, superuser=True)
    client.force_login(root)
    response = client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [editor.pk]}, follow=True
    )
    assert "Two-factor sign-in reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert AuditEntry.objects.filter(event=Event.TWO_FACTOR_RESET, actor=root, target="editor").exists()
    assert LogEntry.objects.filter(object_id=str(editor.pk), user=root).exists()
    client.logout()
    assert password(client, "editor")["Location"] == "/admin/two-factor/enrol/"


def test_only_administrators_reset_devices(client, editor, other_journalist):
    client.force_login(editor)
    client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [editor.pk]})
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_moving_to_a_new_phone_asks_for_the_password_again(client, editor):
    client.force_login(editor)
    assert client.get("/admin/two-factor/enrol/")["Location"] == "/admin/two-factor/confirm/?then=enrol"
    assert client.post("/admin/two-factor/confirm/?then=enrol", {"password": "wrong"}).status_code == 200
    assert client.post("/admin/two-factor/confirm/?then=enrol", {"password": PASSWORD})["Location"] == (
        "/admin/two-factor/enrol/"
    )
    client.get("/admin/two-factor/enrol/")
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    client.post("/admin/two-factor/enrol/", {"code": format_code(new.bin_key)})
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert AuditEntry.objects.filter(event=Event.TWO_FACTOR_ENROLLED, actor=editor).exists()


def test_the_demo_editor_signs_in_with_the_printed_key_or_demo_code(client, db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("load_demo", "--accounts", stdout=out)
    assert "two-factor key for an authenticator app: MJ2W4YJNORUW2ZLTFVSGK3LPFUZGMYJB" in out.getvalue()
    code_out = StringIO()
    call_command("demo_code", "editor", stdout=code_out)
    client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "editor-demo-password"})
    assert client.post("/admin/two-factor/code/", {"code": code_out.getvalue().strip()})["Location"] == "/admin/"
    with pytest.raises(CommandError):
        call_command("demo_code", "journalist")
