"""`seed_demo` also fills the books: what `make run` shows a first-time user."""

from io import StringIO

import jaconv
import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from liaison.books import selectors as books_selectors
from liaison.cards import selectors as cards_selectors
from liaison.cards.models import CardMember, CardStatus, LiaisonCard
from liaison.filing import selectors as filing_selectors

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.smoke
@override_settings(DEMO_MODE=True)
def test_every_demo_officer_finds_cards_in_his_own_books_only():
    seed()
    officer = User.objects.get(employee_number="260121")
    cards = cards_selectors.card_list(user=officer)
    assert cards.filter(status=CardStatus.FILED).count() >= 8
    assert {c.book.beat.name for c in cards.select_related("book__beat")} == {"第1受持区"}
    # Found by the reading typed in hiragana, as on a tablet keyboard.
    family = cards.filter(kind="household").first().head_kana.split()[0]
    assert books_selectors.card_search(user=officer, query=jaconv.kata2hira(family)).exists()


@override_settings(DEMO_MODE=True)
def test_the_chief_finds_the_card_submitted_at_the_counter():
    seed()
    chief = User.objects.get(employee_number="260102")
    waiting = filing_selectors.submitted_card_list(user=chief).filter(status=CardStatus.SUBMITTED)
    assert waiting.count() == 1


@override_settings(DEMO_MODE=True)
def test_a_second_run_adds_no_cards():
    seed()
    counts = (LiaisonCard.objects.count(), CardMember.objects.count())
    seed()
    assert (LiaisonCard.objects.count(), CardMember.objects.count()) == counts
