"""URLs of the roster and the community groups. Included by network/urls.py under the
`network` namespace."""

from django.urls import path

from . import exports, groups, views

urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_report, name="member_report"),
    path("members/export/", exports.roster_export, name="roster_export"),
    path("members/print/", exports.roster_print, name="roster_print"),
    path("members/<id:pk>/", views.member_detail, name="member_detail"),
    path("members/<id:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<id:pk>/ask/", views.member_ask, name="member_ask"),
    path("members/<id:pk>/ask/why/", views.member_reask_rule, name="member_reask_rule"),
    path("members/<id:pk>/consent/", views.member_consent, name="member_consent"),
    path("members/<id:pk>/decline/", views.member_decline, name="member_decline"),
    path("members/<id:pk>/withdraw/", views.member_withdraw, name="member_withdraw"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<id:pk>/edit/", groups.group_edit, name="group_edit"),
]
