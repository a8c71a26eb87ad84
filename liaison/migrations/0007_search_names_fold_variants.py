"""Cards' search_names again, now folded by accounts.utils.names.fold_name, which also folds
variant kanji (髙→高, 𠮷→吉 …): cards saved before searched 髙橋 and 高橋 apart. The exact
names on the cards and members are untouched."""

from django.db import migrations
from django.db.models import Prefetch

from accounts.utils.names import search_key

BATCH = 1000


def refold(apps, schema_editor):
    LiaisonCard = apps.get_model("liaison", "LiaisonCard")
    CardMember = apps.get_model("liaison", "CardMember")
    members = Prefetch(
        "members", queryset=CardMember.objects.only("card_id", "name", "kana", "position", "pk").order_by("position", "pk")
    )
    cards = LiaisonCard.objects.only(
        "pk", "business_name", "business_name_kana", "building", "search_names"
    ).order_by("pk")
    last = 0
    while True:
        batch = list(cards.filter(pk__gt=last).prefetch_related(members)[:BATCH])
        if not batch:
            break
        changed = []
        for card in batch:
            # The same names, in the same order, as liaison.services._refresh_derived.
            names = [card.business_name, card.business_name_kana, card.building]
            for member in card.members.all():
                names += [member.name, member.kana]
            key = search_key(names)
            if card.search_names != key:
                card.search_names = key
                changed.append(card)
        # search_names is excluded from the card's history: bookkeeping, no history rows.
        LiaisonCard.objects.bulk_update(changed, ["search_names"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0006_input_limits"),
    ]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop, elidable=True),
    ]
