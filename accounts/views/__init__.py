"""accounts views, one module per concern; each exports its own `urlpatterns`."""
