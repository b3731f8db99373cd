"""The audit log in the admin: superusers read, filter and export it; nobody adds, changes or deletes."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from common.admin import RecordAdminMixin

from .models import AuditEntry


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    """A value a spreadsheet shows as text: a typed username such as ``=HYPERLINK(…)`` is no formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["at", "event", "actor_name", "address", "target", "details"]
    list_filter = ["event", "at"]
    search_fields = ["actor_name", "target", "details", "address"]
    date_hierarchy = "at"
    list_per_page = 100
    change_list_template = "admin/audit/auditentry/change_list.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_csv)
        return [path("export.csv", export, name="audit_auditentry_export"), *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> StreamingHttpResponse:
        """The entries the list shows (with its filters and search), as CSV, streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = self.get_changelist_instance(request).get_queryset(request)
        writer = csv.writer(_Echo())
        header = ["at", "event", "who", "from", "about", "details"]

        def rows():
            yield writer.writerow(header)
            for entry in entries.iterator():
                values = [entry.at.isoformat(), entry.event, entry.actor_name, entry.address or "", entry.target]
                yield writer.writerow([_cell(value) for value in [*values, entry.details]])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
