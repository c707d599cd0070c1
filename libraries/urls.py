from django.urls import path

from libraries import views

app_name = "libraries"
urlpatterns = [
    path("", views.index, name="list"),
    path("add/", views.add, name="add"),
    path("<int:library_id>/", views.detail, name="detail"),
    path("<int:library_id>/edit/", views.edit, name="edit"),
    path("<int:library_id>/sync/", views.sync, name="sync"),
    path("<int:library_id>/sync/status/", views.sync_status, name="sync_status"),
    path("<int:library_id>/delete/", views.delete, name="delete"),
]
