"""(being written)"""

from __future__ import annotations

from django.http import Http404
from django.urls import path


def _todo(request, **kwargs):
    raise Http404


urlpatterns: list = []
urlpatterns += [path("night/<int:pk>/", _todo, name="night_request_detail")]
