"""Indexes behind games.search: FTS5 (trigram) on SQLite, pg_trgm GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE games_game_fts USING fts5(title, content='games_game', content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER games_game_fts_insert AFTER INSERT ON games_game BEGIN
         INSERT INTO games_game_fts(rowid, title) VALUES (new.id, new.title);
       END""",
    """CREATE TRIGGER games_game_fts_delete AFTER DELETE ON games_game BEGIN
         INSERT INTO games_game_fts(games_game_fts, rowid, title) VALUES ('delete', old.id, old.title);
       END""",
    """CREATE TRIGGER games_game_fts_update AFTER UPDATE OF title ON games_game BEGIN
         INSERT INTO games_game_fts(games_game_fts, rowid, title) VALUES ('delete', old.id, old.title);
         INSERT INTO games_game_fts(rowid, title) VALUES (new.id, new.title);
       END""",
    "INSERT INTO games_game_fts(games_game_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS games_game_fts_insert",
    "DROP TRIGGER IF EXISTS games_game_fts_delete",
    "DROP TRIGGER IF EXISTS games_game_fts_update",
    "DROP TABLE IF EXISTS games_game_fts",
]
# Django's icontains compiles to UPPER("title"::text) LIKE UPPER(%s); the index expression matches it.
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS games_game_title_trgm ON games_game USING gin (UPPER(title::text) gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS games_game_title_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("games", "0002_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
