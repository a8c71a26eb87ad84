"""Reading figures off the pages as a person would: by the row's heading (tests/html.py)."""

from __future__ import annotations

from typing import Any

from tests.html import row, soup, text

__all__ = ["row_cells", "section", "text"]


def row_cells(page: Any, heading: str) -> list[str]:
    """The data cells of the first table row whose row header reads `heading` (its muted
    note, such as an employee number, left aside), as a sighted user reads them."""
    return row(page, heading, exact=False)


def section(page: Any, heading_id: str) -> Any:
    """The section (a region) that the heading with this id names."""
    found = soup(page).find("section", attrs={"aria-labelledby": heading_id})
    assert found is not None, f"no section {heading_id!r}"
    return found
