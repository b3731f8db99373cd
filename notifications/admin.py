"""Each person's notifications in the admin: the list (theirs only), opening one, marking read, preferences."""

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt

from .delivery import read_unsubscribe_token
from .models import Delivery, Event, Notification, Preference


class PreferencesForm(forms.Form):
    """One choice per event type: in the admin only, e-mail at once, or a daily digest."""

    def __init__(self, *args, initial: dict[str, str], **kwargs) -> None:
        super().__init__(*args, initial=initial, **kwargs)
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(label=event.label, choices=Delivery.choices)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["message", "event", "created_at", "read"]
    list_filter = ["event", ("read_at", admin.EmptyFieldListFilter)]
    list_per_page = 50
    actions = ["mark_read", "mark_unread"]

    # Everyone on the staff has notifications; each sees only their own, and nobody edits them.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return self.has_module_permission(request) and (obj is None or obj.recipient_id == request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).for_user(request.user).select_related("actor")

    @admin.display(description="Notification")
    def message(self, notification: Notification) -> str:
        link = reverse("admin:notifications_notification_open", args=[notification.pk])
        text = f" — {notification.text}" if notification.text else ""
        return format_html('<a href="{}">{}</a>{}', link, notification.summary, text)

    @admin.display(description="Read", boolean=True)
    def read(self, notification: Notification) -> bool:
        return notification.is_read

    @admin.action(description="Mark selected notifications as read")
    def mark_read(self, request: HttpRequest, queryset) -> None:
        self.message_user(request, f"{queryset.mark_read()} marked as read.")

    @admin.action(description="Mark selected notifications as unread")
    def mark_unread(self, request: HttpRequest, queryset) -> None:
        self.message_user(request, f"{queryset.update(read_at=None)} marked as unread.")

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/open/", view(self.open_view), name="notifications_notification_open"),
            path("read-all/", view(self.read_all_view), name="notifications_read_all"),
            path("preferences/", view(self.preferences_view), name="notifications_preferences"),
            # Reached from an e-mail, by someone perhaps logged out: the signed token is the authority.
            path("unsubscribe/<str:token>/", csrf_exempt(self.unsubscribe_view), name="notifications_unsubscribe"),
            *super().get_urls(),
        ]

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Mark one notification read and go to its story."""
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        if notification.story_id is None:
            return HttpResponseRedirect(notification.link or reverse("admin:notifications_notification_changelist"))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[notification.story_id]))

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:notifications_notification_changelist"))
        count = Notification.objects.for_user(request.user).mark_read()
        self.message_user(request, f"{count} marked as read.")
        return HttpResponseRedirect(reverse("admin:notifications_notification_changelist"))

    def preferences_view(self, request: HttpRequest) -> HttpResponse:
        form = PreferencesForm(request.POST or None, initial=Preference.objects.choices_of(request.user))
        if request.method == "POST" and form.is_valid():
            for event, delivery in form.cleaned_data.items():
                Preference.objects.update_or_create(user=request.user, event=event, defaults={"delivery": delivery})
            self.message_user(request, "Your notification choices are saved.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:notifications_preferences"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Notification preferences",
            "form": form,
            "has_email": bool(request.user.email),
            "opts": self.opts,
        }
        return TemplateResponse(request, "notifications/preferences.html", context)

    def unsubscribe_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """Stop e-mails of one event type: asked on GET, done on POST (also RFC 8058's one-click POST)."""
        try:
            user_id, event = read_unsubscribe_token(token)
        except signing.BadSignature:
            raise Http404("This unsubscribe link is not valid.") from None
        if event not in Event.values:
            raise Http404("This unsubscribe link is not valid.")
        done = request.method == "POST"
        if done:
            Preference.objects.update_or_create(user_id=user_id, event=event, defaults={"delivery": Delivery.ADMIN})
        context = {
            **self.admin_site.each_context(request),
            "title": "Stop these e-mails",
            "event": Event(event).label,
            "done": done,
        }
        return TemplateResponse(request, "notifications/unsubscribe.html", context)
