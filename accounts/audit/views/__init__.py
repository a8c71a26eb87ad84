"""The HQ audit's pages, one module per sub-feature (events: search, export, a person's
timeline, an object's access history; cases: anomaly cases and the monthly report; history:
change history; integrity: 改ざん検知), each exporting its own `urlpatterns`; `doors` holds
who may open which page."""
