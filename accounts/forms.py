"""The staff sign-in forms: the password (slowed down for a much-guessed username) and the second factor."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from .lockout import username_wait


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's password form, which first makes a much-guessed username wait (never a lockout)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        # A locked-out pair or address meets the lockout (in authenticate), not the slowdown.
        allowed = self.request is None or AxesProxyHandler.is_allowed(self.request, {"username": username})
        wait = username_wait(username) if allowed else 0
        if wait:
            raise ValidationError(
                "There have been many failed sign-ins for this account. Please wait %(seconds)s seconds and try again.",
                code="slowed_down",
                params={"seconds": wait},
            )
        return super().clean()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordAgainForm(forms.Form):
    """Changing one's second factor asks for the password again: a session left open is not enough."""

    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.", code="wrong_password")
        return password
