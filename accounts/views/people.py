"""HQ manages staff, appointments (人事異動) and beat assignments in the browser."""

urlpatterns: list = []
