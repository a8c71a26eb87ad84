"""Sign-in, two-factor, sign-out and password change."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path


def lockout_response(request, credentials=None, *args, **kwargs) -> HttpResponse:
    return render(request, "accounts/auth/locked.html", status=403)


def otp_verify(request):  # placeholder until the sign-in slice lands
    return HttpResponse("二要素認証")


def otp_setup(request):
    return HttpResponse("二要素認証の設定")


urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/auth/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", otp_verify, name="otp_verify"),
    path("otp/setup/", otp_setup, name="otp_setup"),
]
