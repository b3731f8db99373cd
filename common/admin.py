"""What admins of records share: lists that only the newsroom's own actions write."""

from django.http import HttpRequest


class RecordAdminMixin:
    """A ModelAdmin of records: readable by whoever ``has_module_permission`` lets in, never added, changed
    or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
