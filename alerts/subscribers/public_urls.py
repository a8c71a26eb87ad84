"""Public URLs of あんしんメール (namespace "anshin", mounted at /anshin/, no sign-in): the
sign-up and its confirmation, a subscriber's own page by its key, unsubscribe, the flyer."""

from django.urls import include, path

from . import views

app_name = "anshin"

urlpatterns = [
    path("", views.signup, name="signup"),
    path("sent/", views.signup_sent, name="signup_sent"),
    # The signed link rides in the query string (?t=): see alerts.subscribers.links.
    path("confirm/", views.confirm, name="confirm"),
    path("my/<str:token>/", views.manage, name="manage"),
    path("my/<str:token>/address/", views.address_change, name="address_change"),
    path("my/<str:token>/resume/", views.resume, name="resume"),
    path("my/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribed/", views.unsubscribed, name="unsubscribed"),
    path("flyer/", views.flyer, name="flyer"),
    path("archive/", include("alerts.archive.urls")),
]
