"""The admin site for あんしんメール: technical maintenance of the approval chain's rows only
(alerts.chain.presets: 「HQ may change the rows afterwards」).

Categories are kept by the 運用総括管理者 on their own pages (a version check and the change
history there); here they are read-only. Alerts, their decisions and the subscribers are not
here at all: their contents are personal data, read through the pages that log the reading.
"""

from django.contrib import admin
from django.http import HttpRequest

from .categories.models import Category
from .chain.models import ChainStep


@admin.register(ChainStep)
class ChainStepAdmin(admin.ModelAdmin):
    list_display = [
        "preset",
        "scope",
        "category",
        "order",
        "label",
        "role",
        "unit",
        "action",
        "when",
    ]
    list_filter = ["preset", "scope", "category"]
    ordering = ["preset", "scope", "category", "order"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "division", "section", "is_urgent", "is_active"]
    list_filter = ["division", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
