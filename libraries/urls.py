from django.urls import path

from libraries import views

app_name = "libraries"
urlpatterns = [
    path("", views.index, name="list"),
    path("add/", views.add, name="add"),
    path("add/<slug:platform>/", views.add_store, name="add_store"),
    path("add/<slug:platform>/preview/<str:token>/", views.import_preview, name="import_preview"),
    path("<id:library_id>/reconnect/", views.reconnect, name="reconnect"),
    path("<id:library_id>/", views.detail, name="detail"),
    path("<id:library_id>/edit/", views.edit, name="edit"),
    path("<id:library_id>/sync/", views.sync, name="sync"),
    path("<id:library_id>/sync/status/", views.sync_status, name="sync_status"),
    path("<id:library_id>/delete/", views.delete, name="delete"),
]
