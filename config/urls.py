from django.contrib import admin
from django.urls import include, path

from accounts.views import auth, ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    # The admin signs in through our sign-in page, so lockout and two-factor apply there too.
    path("admin/login/", auth.admin_login),
    path("admin/", admin.site.urls),
    path("liaison/", include("liaison.urls")),
    path("network/", include("network.urls")),
    path("alerts/", include("alerts.urls")),
    # あんしんメール's public pages (sign-up, confirmation, choices, unsubscribe): no sign-in.
    path("anshin/", include("alerts.subscribers.public_urls")),
    path("", include("accounts.urls")),
]

handler400 = "accounts.views.errors.bad_request"
handler403 = "accounts.views.errors.permission_denied"
handler404 = "accounts.views.errors.page_not_found"
handler500 = "accounts.views.errors.server_error"
