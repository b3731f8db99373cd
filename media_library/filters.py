"""The library page's filters that are not a plain field: orientation, and whether a licence has run out."""

from django.contrib import admin

from .models import Orientation


class OrientationFilter(admin.SimpleListFilter):
    title = "orientation"
    parameter_name = "orientation"

    def lookups(self, request, model_admin):
        return Orientation.choices

    def queryset(self, request, queryset):
        return queryset.oriented(self.value()) if self.value() in Orientation.values else queryset


class LicenceStateFilter(admin.SimpleListFilter):
    title = "licence in force"
    parameter_name = "licence_state"

    def lookups(self, request, model_admin):
        return [("expired", "Expired"), ("usable", "In force")]

    def queryset(self, request, queryset):
        if self.value() == "expired":
            return queryset.expired()
        if self.value() == "usable":
            return queryset.usable()
        return queryset
