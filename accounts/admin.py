"""The admin site is for technical maintenance of the organisation tree only.

Plain ModelAdmin, not guardian's GuardedModelAdmin: object permissions come from
appointments alone, never from a hand-made grant in the admin.
"""

from django.contrib import admin

from .models import Beat, Department, Headquarters, Post, Station


@admin.register(Headquarters)
class HeadquartersAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "headquarters"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "station", "kind"]
    list_filter = ["kind"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "station", "department"]
    list_filter = ["kind", "station"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "department" in form.changed_data:
            # The post's beats move to the other 地域課長's groups, as post_department_set does.
            from . import permissions

            permissions.role_groups_sync_station(obj.station)


@admin.register(Beat)
class BeatAdmin(admin.ModelAdmin):
    list_display = ["name", "post"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A beat made here joins its role groups' scope as beat_create would do it.
            from . import permissions

            permissions.role_groups_sync_for_beat(obj)
