"""(filled by its feature)"""

app_name = "anshin"

urlpatterns: list = []
