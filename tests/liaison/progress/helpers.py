"""Reading figures off the pages as a person would: by the row's heading."""

from __future__ import annotations

import re
from html import unescape


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def row_cells(html: str, heading: str) -> list[str]:
    """The cells of the first table row whose <th scope="row"> reads `heading` (links and
    screen-reader words removed), as text."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        head = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if (
            head
            and text(
                re.sub(r"<span class=\"(muted|visually-hidden)\">.*?</span>", "", head.group(1))
            )
            == heading
        ):
            row = re.sub(r'<span class="visually-hidden">.*?</span>', "", row, flags=re.S)
            return [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row {heading!r}")


def section(html: str, heading_id: str) -> str:
    """From the heading with this id to the end of its section."""
    match = re.search(rf'id="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id!r}"
    return match.group(0)
