"""Error pages in Japanese with the request id; never a stack trace."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)
