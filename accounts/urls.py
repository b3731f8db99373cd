from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import passkey_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("code/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("confirm/", views.password_again, name="password_again"),
    # The JSON endpoints the package's scripts call (accounts/passkey_views.py), and the scripts' messages.
    path("passkeys/register/begin/", passkey_views.BeginRegistration.as_view(), name="passkey_register_begin"),
    path("passkeys/register/complete/", passkey_views.CompleteRegistration.as_view(), name="passkey_register_complete"),
    path("passkeys/sign-in/begin/", passkey_views.BeginSignIn.as_view(), name="passkey_sign_in_begin"),
    path("passkeys/sign-in/complete/", passkey_views.CompleteSignIn.as_view(), name="passkey_sign_in_complete"),
    path("passkeys/messages.js", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="passkey_messages"),
]
