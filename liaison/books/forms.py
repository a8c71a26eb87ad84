"""The card search across books: input shape only. The search itself is
liaison.books.selectors.card_search; one book's filters are in liaison.books.filters."""

from __future__ import annotations

from django import forms

from liaison.text import nfkc

# A search of one character would list half the book: ask for two.
SEARCH_MIN_LENGTH = 2


class CardSearchForm(forms.Form):
    q = forms.CharField(label="氏名・フリガナ・電話番号", max_length=100, required=False)

    def query(self) -> str:
        """The search words, or "" when there is nothing worth searching for."""
        if not self.is_valid():
            return ""
        words = self.cleaned_data["q"].strip()
        return words if len("".join(nfkc(words).split())) >= SEARCH_MIN_LENGTH else ""
