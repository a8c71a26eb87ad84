"""Cross-cutting listener: every beat gets its book (要領 第6-2(3)ア) the moment it exists.

accounts creates beats and imports no other app, so liaison listens here.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Beat


@receiver(post_save, sender=Beat, dispatch_uid="liaison_book_for_new_beat")
def book_for_new_beat(sender, instance: Beat, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from liaison.books.services import book_ensure

        book_ensure(beat=instance)
