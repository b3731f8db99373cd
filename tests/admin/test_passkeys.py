"""Passkeys beside the authenticator app: adding one (after the password again), signing in with it instead
of a code, removing it, the administrator's reset, the audit log and the lockout. The browser's side is
played by a software authenticator (tests/helpers/passkeys.py); tests/browser/test_passkeys.py drives a
real one."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditEntry, Event
from newsroom.settings import passkey_defaults
from tests.helpers.passkeys import SoftwareKey, b64url
from tests.helpers.two_factor import current_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
REGISTER = "/admin/two-factor/passkeys/register/"
SIGN_IN = "/admin/two-factor/passkeys/sign-in/"


def post_json(client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def password(client, username: str, *, next_url: str = "/admin/"):
    return client.post(f"/admin/login/?next={next_url}", {"username": username, "password": PASSWORD})


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def sign_in_with_code(client, user) -> None:
    password(client, user.get_username())
    client.post("/admin/two-factor/code/", {"code": current_code(user)})
    assert signed_in(client)


def password_again(client) -> None:
    assert client.post("/admin/two-factor/confirm/", {"password": PASSWORD}).status_code == 302


def add_passkey(client, key: SoftwareKey):
    options = post_json(client, f"{REGISTER}begin/").json()
    return post_json(client, f"{REGISTER}complete/", key.register(options))


def registered_key(client, user) -> SoftwareKey:
    """``user`` signed in, with a passkey added; then signed out."""
    sign_in_with_code(client, user)
    password_again(client)
    key = SoftwareKey()
    assert add_passkey(client, key).status_code == 200
    client.logout()
    return key


def passkey_sign_in(client, key: SoftwareKey, **answer):
    options = post_json(client, f"{SIGN_IN}begin/").json()
    return post_json(client, f"{SIGN_IN}complete/", key.sign_in(options, **answer))


def test_adding_a_passkey_asks_for_the_password_again(client, editor):
    sign_in_with_code(client, editor)
    refused = post_json(client, f"{REGISTER}begin/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_again"
    assert "Give your password to add or remove passkeys" in client.get("/admin/two-factor/").content.decode()


def test_an_editor_adds_a_passkey_and_it_is_logged(client, editor):
    sign_in_with_code(client, editor)
    password_again(client)
    page = client.get("/admin/two-factor/").content.decode()
    assert 'id="passkey-registration-available-template"' in page
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in page
    response = add_passkey(client, SoftwareKey())
    assert response.status_code == 200
    passkey = WebAuthnCredential.objects.get(user=editor)
    assert passkey.pk == response.json()["id"]
    assert passkey.name.startswith("Security key added ")
    assert passkey.name in client.get("/admin/two-factor/").content.decode()
    entry = AuditEntry.objects.get(event=Event.PASSKEY_ADDED)
    assert (entry.target, entry.details) == ("editor", passkey.name)


def test_a_passkey_from_another_site_is_not_added(client, editor):
    sign_in_with_code(client, editor)
    password_again(client)
    options = post_json(client, f"{REGISTER}begin/").json()
    refused = post_json(client, f"{REGISTER}complete/", SoftwareKey().register(options, origin="https://evil.example"))
    assert refused.status_code >= 400
    assert not WebAuthnCredential.objects.exists()


def test_nobody_signed_out_or_half_way_adds_a_passkey(client, editor):
    assert post_json(client, f"{REGISTER}begin/").status_code == 403
    password(client, "editor")  # the password, not yet the code
    assert post_json(client, f"{REGISTER}begin/").status_code == 403


def test_a_journalist_without_the_app_sets_it_up_before_a_passkey(client, journalist):
    password(client, "journalist")
    password_again(client)
    refused = post_json(client, f"{REGISTER}begin/")
    assert (refused.status_code, refused.json()["code"]) == (403, "app_first")


def test_an_editor_signs_in_with_password_and_passkey_instead_of_a_code(client, editor):
    key = registered_key(client, editor)
    assert password(client, "editor", next_url="/admin/articles/article/")["Location"] == "/admin/two-factor/code/"
    page = client.get("/admin/two-factor/code/").content.decode()
    assert 'id="passkey-verification-button"' in page
    assert "/static/django_otp_webauthn/otp_webauthn_auth.js" in page
    assert not signed_in(client)
    options = post_json(client, f"{SIGN_IN}begin/").json()
    assert [allowed["id"] for allowed in options["allowCredentials"]] == [b64url(key.credential_id)]
    response = post_json(client, f"{SIGN_IN}complete/", key.sign_in(options))
    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/admin/articles/article/"
    assert signed_in(client)
    entry = AuditEntry.objects.get(event=Event.PASSKEY_USED)
    assert entry.actor.username == "editor"
    assert WebAuthnCredential.objects.get(user=editor).last_used_at is not None


def test_the_code_still_works_for_someone_with_a_passkey(client, editor):
    registered_key(client, editor)
    password(client, "editor")
    client.post("/admin/two-factor/code/", {"code": current_code(editor)})
    assert signed_in(client)


def test_signing_in_with_a_passkey_needs_the_password_first(client, editor):
    key = registered_key(client, editor)
    refused = post_json(client, f"{SIGN_IN}begin/")
    assert refused.status_code == 403
    assert post_json(client, f"{SIGN_IN}complete/", key.sign_in({"challenge": "x"})).status_code == 403
    assert not signed_in(client)


def test_someone_elses_passkey_does_not_sign_you_in_and_is_logged(client, editor, db):
    from tests.factories import staff_user

    other = staff_user("other-editor", "Editor")
    others_key = registered_key(client, other)
    password(client, "editor")
    refused = passkey_sign_in(client, others_key)
    assert refused.status_code == 403
    assert not signed_in(client)
    failed = AuditEntry.objects.get(event=Event.TWO_FACTOR_FAILED)
    assert (failed.target, failed.details) == ("editor", "passkey")


def test_failed_passkey_attempts_are_locked_out_like_wrong_codes(client, editor, settings):
    key = registered_key(client, editor)
    password(client, "editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert passkey_sign_in(client, key, origin="https://evil.example").status_code >= 400
        assert not signed_in(client)
    locked = passkey_sign_in(client, key, origin="https://evil.example")
    assert locked.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "Too many failed logins" in locked.content.decode()
    # Locked out: even the right passkey (and the right code) is refused now.
    refused = post_json(client, f"{SIGN_IN}begin/")
    assert refused.status_code in (403, settings.AXES_HTTP_RESPONSE_CODE)
    assert "challenge" not in refused.content.decode()
    assert client.post("/admin/two-factor/code/", {"code": current_code(editor)}).status_code == (
        settings.AXES_HTTP_RESPONSE_CODE
    )
    assert not signed_in(client)


def test_removing_a_passkey_asks_for_the_password_and_is_logged(client, editor, db):
    from tests.factories import staff_user

    other = staff_user("other-editor", "Editor")
    registered_key(client, other)
    registered_key(client, editor)
    passkey = WebAuthnCredential.objects.get(user=editor)
    others = WebAuthnCredential.objects.get(user=other)
    sign_in_with_code(client, editor)
    remove = {"action": "remove-passkey", "passkey": passkey.pk}
    assert client.post("/admin/two-factor/", remove)["Location"] == "/admin/two-factor/confirm/"
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    password_again(client)
    client.post("/admin/two-factor/", {"action": "remove-passkey", "passkey": others.pk})  # not one's own
    assert WebAuthnCredential.objects.filter(pk=others.pk).exists()
    client.post("/admin/two-factor/", remove)
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    entry = AuditEntry.objects.get(event=Event.PASSKEY_REMOVED)
    assert (entry.target, entry.details) == ("editor", passkey.name)


def test_an_administrators_reset_removes_passkeys_too(client, editor):
    from tests.factories import staff_user

    registered_key(client, editor)
    root = staff_user("root", None, superuser=True)
    admin_client = Client()
    sign_in_with_code(admin_client, root)
    admin_client.post(
        "/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
    )
    assert not WebAuthnCredential.objects.filter(user=editor).exists()
    assert AuditEntry.objects.filter(event=Event.TWO_FACTOR_RESET, target="editor").exists()


def test_the_scripts_are_the_packages_own_static_files_and_staff_pages_send_no_csp(client, editor):
    registered_key(client, editor)
    password(client, "editor")
    response = client.get("/admin/two-factor/code/")
    page = response.content.decode()
    for script in ("django_otp_webauthn/otp_webauthn_auth.js", "django_otp_webauthn/otp_webauthn_register.js"):
        assert finders.find(script)
    assert "https://" not in page.split("<body")[0]  # no script from a CDN
    assert "Content-Security-Policy" not in response.headers
    assert client.get("/admin/two-factor/passkeys/messages.js").status_code == 200


@pytest.mark.parametrize(
    ("site_url", "rp_id", "origins"),
    [
        ("https://news.example.org", "news.example.org", ["https://news.example.org"]),
        ("https://news.example.org:8443", "news.example.org", ["https://news.example.org:8443"]),
        ("http://127.0.0.1:8000", "localhost", ["http://localhost:8000"]),
        ("https://203.0.113.5", "localhost", ["http://localhost"]),
    ],
)
def test_the_relying_party_follows_site_url_with_a_safe_local_default(site_url, rp_id, origins):
    assert passkey_defaults(site_url) == (rp_id, origins)
