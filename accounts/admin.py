"""The user admin, with what an administrator does for a colleague: reset a lost second factor, sign
them out everywhere; and two-factor status in the list."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.log import record
from audit.models import Event

from . import two_factor
from .sessions import sign_out_everywhere

User = get_user_model()


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "two_factor"]
    actions = ["reset_two_factor", "end_sessions"]

    def get_queryset(self, request: HttpRequest):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(enrolled))

    @admin.display(boolean=True, description="Two-factor", ordering="has_two_factor")
    def two_factor(self, user) -> bool:
        return user.has_two_factor

    @admin.action(description="Reset two-factor sign-in (lost phone): they set it up again at next sign-in")
    def reset_two_factor(self, request: HttpRequest, queryset) -> None:
        if not request.user.is_superuser:
            self.message_user(request, "Only administrators can reset two-factor sign-in.", messages.ERROR)
            return
        for user in queryset:
            two_factor.reset(user)
            ended = sign_out_everywhere(user)
            record(request, Event.TWO_FACTOR_RESET, target=user.get_username(), details=f"{ended} sessions ended")
            self.log_change(request, user, "Two-factor sign-in reset; signed out everywhere.")
        self.message_user(request, f"Two-factor sign-in reset for {queryset.count()} account(s).", messages.SUCCESS)

    @admin.action(description="Sign out everywhere")
    def end_sessions(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            ended = sign_out_everywhere(user)
            record(request, Event.SESSIONS_ENDED, target=user.get_username(), details=f"{ended} sessions ended")
            self.log_change(request, user, "Signed out everywhere.")
        self.message_user(request, f"Signed out everywhere: {queryset.count()} account(s).", messages.SUCCESS)
