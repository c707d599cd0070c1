from django.urls import path

from libraries import views

app_name = "libraries"
urlpatterns = [
    path("", views.index, name="list"),
    path("add/", views.add, name="add"),
    path("<id:library_id>/", views.detail, name="detail"),
    path("<id:library_id>/edit/", views.edit, name="edit"),
    path("<id:library_id>/sync/", views.sync, name="sync"),
    path("<id:library_id>/sync/status/", views.sync_status, name="sync_status"),
    path("<id:library_id>/delete/", views.delete, name="delete"),
]
