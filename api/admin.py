"""The API's back office, for editors: partner keys, webhook endpoints and the delivery log."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from articles.workflow import is_editor

from . import webhooks
from .models import ApiKey, Scope, WebhookDelivery, WebhookEndpoint


class EditorsOnly:
    """Keys and webhooks hand the newsroom's content to others: the desk (editors) decides."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_editor(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_editor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_editor(request.user)


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["name", "scopes", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(EditorsOnly, admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if not change:
            key = obj.issue()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            messages.warning(request, f"The key for “{obj.name}”, shown this once (only its hash is kept): {key}")
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{count} key(s) revoked.")


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label="Address", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(EditorsOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "events", "is_active", "consecutive_failures", "created_by"]
    readonly_fields = ["secret", "disabled_reason", "consecutive_failures", "created_at", "created_by"]

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            obj.secret = WebhookEndpoint.new_secret()
            obj.created_by = request.user
        if obj.is_active and "is_active" in form.changed_data:
            obj.consecutive_failures, obj.disabled_reason = 0, ""  # switched back on: a fresh start
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["created_at", "endpoint", "event", "status", "attempts", "response_code", "duration_ms", "error"]
    list_filter = ["status", "event", "endpoint"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Redeliver the selected events")
    def redeliver(self, request: HttpRequest, queryset) -> None:
        for delivery in queryset.select_related("endpoint"):
            webhooks.redeliver(delivery)
        messages.success(request, f"{queryset.count()} event(s) queued again.")
