from django.urls import path

from games import views

app_name = "games"
urlpatterns = [
    path("", views.home, name="home"),
    path("library/", views.library, name="library"),
    path("library/export/", views.library_export, name="library_export"),
    path("library/genres/", views.genre_options, name="genre_options"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("games/<id:game_id>/", views.game, name="game"),
    path("games/<id:game_id>/ownership/", views.edit_ownership, name="edit_ownership"),
    path("games/add/", views.manual_add, name="manual_add"),
    path("games/manual/<id:entry_id>/edit/", views.manual_edit, name="manual_edit"),
    path("games/manual/<id:entry_id>/delete/", views.manual_delete, name="manual_delete"),
    path("analytics/", views.analytics, name="analytics"),
    path("collections/", views.collections, name="collections"),
    path("collections/new/", views.collection_new, name="collection_new"),
    path("collections/<id:collection_id>/", views.collection, name="collection"),
    path("collections/<id:collection_id>/edit/", views.collection_edit, name="collection_edit"),
    path(
        "collections/<id:collection_id>/delete/", views.collection_delete, name="collection_delete"
    ),
    path("matches/", views.matches, name="matches"),
    path("matches/candidates/", views.merge_candidates, name="merge_candidates"),
    path("matches/<id:match_id>/accept/", views.match_accept, name="match_accept"),
    path("matches/<id:match_id>/reject/", views.match_reject, name="match_reject"),
    path("matches/changes/<str:kind>/<id:change_id>/undo/", views.change_undo, name="change_undo"),
    path("matches/merge/", views.games_merge, name="games_merge"),
    path("releases/<id:release_id>/split/", views.release_split, name="release_split"),
    path("recommendations/", views.recommendations, name="recommendations"),
]
