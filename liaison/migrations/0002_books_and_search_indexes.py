"""Books for beats made before this app, and trigram indexes for name and phone search.

The `LIKE '%…%'` of a kana or phone search cannot use a B-tree index; on PostgreSQL a
pg_trgm GIN index serves it (a 50,000-card station otherwise scans every card). SQLite, used
by `make run`, gets no index and needs none at its size.
"""

from django.db import migrations


def books_for_existing_beats(apps, schema_editor):
    Beat = apps.get_model("accounts", "Beat")
    LiaisonBook = apps.get_model("liaison", "LiaisonBook")
    have = set(LiaisonBook.objects.values_list("beat_id", flat=True))
    LiaisonBook.objects.bulk_create(
        LiaisonBook(beat_id=pk) for pk in Beat.objects.values_list("pk", flat=True) if pk not in have
    )


TRIGRAM_INDEXES = [
    # card_search / book search by name or kana: search_names LIKE '%タナカ%'
    ("liaison_card_names_trgm", "search_names"),
    # search by phone number in any notation: search_phones LIKE '%0291234%'
    ("liaison_card_phones_trgm", "search_phones"),
]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON liaison_liaisoncard "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0001_initial"),
        ("accounts", "0002_notice"),
    ]

    operations = [
        migrations.RunPython(books_for_existing_beats, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
