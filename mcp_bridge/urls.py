from django.urls import path

from mcp_bridge import views

app_name = "mcp_bridge"
urlpatterns = [
    path("", views.index, name="settings"),
    path("theme/", views.theme, name="theme"),
    path("keys/", views.add_key, name="add_key"),
    path("keys/<id:key_id>/revoke/", views.revoke, name="revoke_key"),
]
