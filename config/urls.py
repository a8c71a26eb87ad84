from django.contrib import admin
from django.urls import include, path

from accounts.views import ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
]

handler500 = "accounts.views.errors.server_error"
