from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Beat, Department, Headquarters, Post, Station


@admin.register(Headquarters)
class HeadquartersAdmin(GuardedModelAdmin):
    list_display = ["name"]


@admin.register(Station)
class StationAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "headquarters"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "station", "kind"]
    list_filter = ["kind"]


@admin.register(Post)
class PostAdmin(GuardedModelAdmin):
    list_display = ["name", "kind", "station"]
    list_filter = ["kind", "station"]
    search_fields = ["name"]


@admin.register(Beat)
class BeatAdmin(GuardedModelAdmin):
    list_display = ["name", "post"]
    search_fields = ["name"]
