"""(filled by its feature)"""

urlpatterns: list = []
