"""The home page: what waits for this person, by role."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from .. import navigation


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"panels": navigation.panels_for(request.user)})


urlpatterns = [path("", home, name="home")]
