"""Two-factor sign-in in a real browser: an editor types the code their app shows; a journalist without
two-factor is refused the editors' pages."""

import pytest
from django_otp.oath import totp

from tests.helpers.browser import give_password, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_editor_signs_in_with_password_and_a_code_from_the_app(live_server, page, editor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    base = live_server.url
    give_password(page, base, "editor")
    page.wait_for_url(f"{base}/admin/two-factor/code/")
    page.goto(f"{base}/admin/")  # the password alone opens nothing
    assert "/admin/login/" in page.url
    page.go_back()
    key = TOTPDevice.objects.get(user=editor).bin_key
    page.get_by_label("Code").fill(f"{totp(key):06d}")  # what the phone would show now
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/articles/storyinreview/")
    assert page.get_by_role("heading", name="Review queue").count() or "review" in page.title().lower()


def test_a_new_editor_enrols_by_typing_the_key_shown(live_server, page, db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import staff_user
    from tests.helpers.two_factor import current_code

    newcomer = staff_user("newcomer", "Editor")
    TOTPDevice.objects.filter(user=newcomer).delete()
    base = live_server.url
    give_password(page, base, "newcomer")
    page.wait_for_url(f"{base}/admin/two-factor/enrol/")
    assert page.locator(".qr-code svg").count() == 1
    secret = page.get_by_test_id("totp-secret").inner_text()
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code from the app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them, go on").click()
    page.wait_for_url(f"{base}/admin/")
    assert current_code(newcomer)


def test_a_journalist_without_two_factor_is_refused_the_editors_pages(live_server, page, journalist):
    base = live_server.url
    log_in(page, base, "journalist")
    response = page.goto(f"{base}/admin/articles/storyinreview/")
    assert response.status == 403
