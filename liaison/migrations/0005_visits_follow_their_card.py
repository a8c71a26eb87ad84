"""Visits of cards moved before card_move moved them too: re-point each to its card's
current book and station (issue 16: a moved card stayed on the old beat's takeover page).

Saved row by row through the migration's model: a correction of bookkeeping columns, not
an officer's change, so it leaves no history row."""

from django.db import migrations
from django.db.models import F


def follow_cards(apps, schema_editor):
    Visit = apps.get_model("liaison", "Visit")
    stale = (
        Visit.objects.select_related("card")
        .exclude(book_id=F("card__book_id"))
        .only("pk", "book_id", "station_id", "card__book_id", "card__station_id")
    )
    for visit in stale.iterator(chunk_size=500):
        if visit.card.book_id is None:
            continue
        visit.book_id = visit.card.book_id
        visit.station_id = visit.card.station_id
        visit.save(update_fields=["book", "station"])


class Migration(migrations.Migration):
    dependencies = [("liaison", "0004_visit_station_covering_index")]

    operations = [migrations.RunPython(follow_cards, migrations.RunPython.noop)]
