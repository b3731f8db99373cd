"""Passkeys in a real browser: Chromium's virtual authenticator (over the DevTools protocol) stands in for a
laptop's built-in one. An editor adds a passkey, then signs in with the password and the passkey, through
django-otp-webauthn's own scripts served from static files."""

import pytest

from audit.models import AuditEntry, Event
from tests.helpers.browser import PASSWORD, give_password, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def authenticator(page):
    """A platform authenticator that holds passkeys and verifies its user (as a fingerprint would)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield cdp, added["authenticatorId"]


@pytest.fixture
def passkey_origin(live_server, settings):
    """Passkeys for the live server's address (http://localhost:<port>: localhost is a secure context)."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    return live_server.url


def test_an_editor_adds_a_passkey_then_signs_in_with_password_and_passkey(passkey_origin, page, authenticator, editor):
    from django_otp_webauthn.models import WebAuthnCredential

    cdp, authenticator_id = authenticator
    base = passkey_origin
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/two-factor/")
    page.get_by_role("link", name="Give your password to add or remove passkeys").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/admin/two-factor/")
    page.get_by_role("button", name="Add a passkey").click()
    page.locator("ul.passkeys li").filter(has_text="Passkey added").wait_for()  # the page drawn again
    assert WebAuthnCredential.objects.filter(user=editor).count() == 1
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1

    page.context.clear_cookies()
    give_password(page, base, "editor")
    page.wait_for_url(f"{base}/admin/two-factor/code/")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{base}/admin/")
    assert AuditEntry.objects.filter(event=Event.PASSKEY_USED, target="editor").count() == 1
    assert AuditEntry.objects.filter(event=Event.PASSKEY_ADDED, target="editor").count() == 1
