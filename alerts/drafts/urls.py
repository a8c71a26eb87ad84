"""URLs of the alert pages (issue 13 points 4–9). Included by alerts/urls.py under the
`alerts` namespace, mounted at /alerts/."""

from django.urls import path

from .views import deciding, drafting, listing, sending

urlpatterns = [
    path("", listing.alert_list, name="alert_list"),
    path("inbox/", listing.inbox, name="inbox"),
    path("new/", drafting.alert_create, name="alert_create"),
    path("privacy-check/", drafting.privacy_check, name="privacy_check"),
    path("category-rules/", drafting.category_rules, name="category_rules"),
    path("<id:pk>/", deciding.alert_detail, name="alert_detail"),
    path("<id:pk>/edit/", drafting.alert_edit, name="alert_edit"),
    path("<id:pk>/preview/", drafting.alert_preview, name="alert_preview"),
    path("<id:pk>/submit/", deciding.alert_submit, name="alert_submit"),
    path("<id:pk>/steps/<id:step_pk>/", deciding.alert_decide, name="alert_decide"),
    path("<id:pk>/override/", deciding.alert_override, name="alert_override"),
    path("<id:pk>/send/", sending.alert_send, name="alert_send"),
    path("<id:pk>/cancel/", deciding.alert_cancel, name="alert_cancel"),
    path("<id:pk>/follow-up/", deciding.follow_up_create, name="follow_up_create"),
]
