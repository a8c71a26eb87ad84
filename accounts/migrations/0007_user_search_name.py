"""User.search_name: 氏名 and フリガナ folded by accounts.utils.names.fold_name (kana width,
hiragana/katakana, spaces, variant kanji), the column every people search compares.
Filled here for existing users; save() keeps it from now on."""

from django.db import migrations, models

from accounts.utils.names import search_key

BATCH = 500


def fill_search_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changed = []
    for user in User.objects.only("pk", "full_name", "full_name_kana", "search_name").iterator(
        chunk_size=BATCH
    ):
        key = search_key([user.full_name, user.full_name_kana])
        if user.search_name != key:
            user.search_name = key
            changed.append(user)
    # Bookkeeping of a derived column that the history excludes: no history rows.
    User.objects.bulk_update(changed, ["search_name"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_input_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='search_name',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='氏名（検索用）'),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
    ]
