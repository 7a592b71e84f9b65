"""Visits keep how many sides they heard; opinions get the database's text index over their folded text:
SQLite an FTS5 table with the trigram tokenizer kept by triggers, PostgreSQL a pg_trgm GIN index."""

from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE fieldwork_opinion_fts USING fts5("
    "search_text, content='fieldwork_opinion', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER fieldwork_opinion_fts_insert AFTER INSERT ON fieldwork_opinion BEGIN "
    "INSERT INTO fieldwork_opinion_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER fieldwork_opinion_fts_delete AFTER DELETE ON fieldwork_opinion BEGIN "
    "INSERT INTO fieldwork_opinion_fts(fieldwork_opinion_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER fieldwork_opinion_fts_update AFTER UPDATE OF search_text ON fieldwork_opinion BEGIN "
    "INSERT INTO fieldwork_opinion_fts(fieldwork_opinion_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO fieldwork_opinion_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO fieldwork_opinion_fts(fieldwork_opinion_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS fieldwork_opinion_fts_update",
    "DROP TRIGGER IF EXISTS fieldwork_opinion_fts_delete",
    "DROP TRIGGER IF EXISTS fieldwork_opinion_fts_insert",
    "DROP TABLE IF EXISTS fieldwork_opinion_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS fieldwork_opinion_search_trgm ON fieldwork_opinion "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS fieldwork_opinion_search_trgm"]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="sides_heard",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="sides heard"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                fields=["organization", "sides_heard", "status"], name="fieldwork_visit_org_sides"
            ),
        ),
        migrations.AddIndex(
            model_name="opinion",
            index=models.Index(
                fields=["organization", "archived_at", "heard_on"], name="fieldwork_opinion_live"
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
