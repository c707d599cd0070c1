from django.urls import path  # noqa: F401

app_name = "mcp_bridge"
urlpatterns: list = []
