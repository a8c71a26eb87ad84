"""The home page: what waits for this person, by role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from .. import navigation


@login_required
def home(request):
    return render(request, "accounts/home.html", {"panels": navigation.panels_for(request.user)})


urlpatterns = [path("", home, name="home")]
