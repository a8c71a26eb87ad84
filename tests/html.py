"""Reading a page in tests as a person (or a screen reader) reads it: the one HTML helper.

Every function takes a response, an HTML string or a BeautifulSoup node, so a test can narrow
down step by step: `rows(by_role(page, "table", "閲覧記録"))`. Find things by what a user sees
or hears, not by CSS classes:

- `text(page)`: the text, whitespace folded to single spaces (no <script>/<style>, nothing
  inside a <template>); `seen=True` leaves out the screen-reader-only words.
- `by_role(page, role, name=None)` / `all_by_role(...)`: elements by ARIA role (explicit or
  implied by the tag: link, button, heading, textbox, combobox, checkbox, radio, table, row,
  navigation, alert, region, form, search, list, listitem, group, img…) and accessible name.
- `by_label(page, label)`: the form control a <label> (or a fieldset's <legend>) names;
  the 必須 mark is not part of the name.
- `heading(page, name)`, `headings(page, level=None)`, `link(page, name)`, `links(page)`.
- `terms(page)`: (term, description) pairs of the definition lists.
- `rows(table)`: the rows of a table as lists of cell texts (header cells included).
- `row(table, header)`: the data cells of the row whose header reads `header`.
- `field_error(page, label)` / `field_errors(...)`: the error shown at a field (what its
  aria-describedby points at among the ids Django gives errors), "" when none; `name=`
  finds the field by the name it is posted under, for rows of a formset.
- `forms(page)`, `form_fields(page_or_form, form_id=None)`: what the browser would post.
- `inline_code(page)`: what a strict CSP would block (inline script, style, handlers).
- `stat(page, label)`: a headline figure written "<value>label" in a list of figures.

Names are compared after folding whitespace; `exact=False` matches a part of the name.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

__all__ = [
    "all_by_role",
    "by_label",
    "by_role",
    "field_error",
    "field_errors",
    "form_fields",
    "forms",
    "heading",
    "headings",
    "inline_code",
    "link",
    "links",
    "name_of",
    "row",
    "rows",
    "soup",
    "stat",
    "terms",
    "text",
]

_INVISIBLE = ("script", "style", "template", "head")
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)


def soup(page: Any) -> Tag:
    """A parsed page from a response, HTML text, or a node (returned as it is)."""
    if isinstance(page, Tag):
        return page
    if hasattr(page, "content"):
        page = page.content.decode()
    return BeautifulSoup(page, "html.parser")


def fold(value: str) -> str:
    return " ".join(value.split())


def _strings(node: Tag, *, hidden: bool, seen: bool = False) -> list[str]:
    out: list[str] = []
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype or CDATA
                out.append(str(child))
        elif isinstance(child, Tag):
            if child.name in _INVISIBLE:
                continue
            if not hidden and (child.has_attr("hidden") or child.get("aria-hidden") == "true"):
                continue
            if seen and "visually-hidden" in (child.get("class") or []):
                continue
            if child.name == "br":
                out.append(" ")
                continue
            # A block's text does not run into its neighbour's; inline text does, as on screen.
            gap = "" if child.name in _INLINE else " "
            out.append(gap)
            out.extend(_strings(child, hidden=hidden, seen=seen))
            out.append(gap)
    return out


def text(page: Any, *, seen: bool = False) -> str:
    """The text of the page or node, whitespace folded to single spaces, as a screen reader
    hears it (hidden and aria-hidden parts left out); with seen=True as a sighted user reads
    it (screen-reader-only words left out too)."""
    node = soup(page)
    if isinstance(node, NavigableString):
        return fold(str(node))
    return fold("".join(_strings(node, hidden=False, seen=seen)))


_IMPLICIT: dict[str, tuple[str, ...]] = {
    "link": ("a[href]", "area[href]"),
    "button": (
        "button",
        "input[type=submit]",
        "input[type=button]",
        "input[type=reset]",
        "summary",
    ),
    "heading": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "textbox": (
        "textarea",
        "input:not([type])",
        "input[type=text]",
        "input[type=email]",
        "input[type=tel]",
        "input[type=url]",
        "input[type=password]",
        "input[type=date]",
        "input[type=datetime-local]",
        "input[type=time]",
        "input[type=month]",
        "input[type=number]",
        "input[type=search]",
    ),
    "combobox": ("select:not([multiple])",),
    "listbox": ("select[multiple]",),
    "checkbox": ("input[type=checkbox]",),
    "radio": ("input[type=radio]",),
    "table": ("table",),
    "row": ("tr",),
    "cell": ("td",),
    "columnheader": ("th[scope=col]",),
    "rowheader": ("th[scope=row]",),
    "navigation": ("nav",),
    "list": ("ul", "ol"),
    "listitem": ("li",),
    "form": ("form",),
    "group": ("fieldset",),
    "img": ("img[alt]", "svg[role=img]"),
    "main": ("main",),
    "banner": ("header",),
    "contentinfo": ("footer",),
    "region": ("section[aria-label]", "section[aria-labelledby]"),
    "definition": ("dd",),
    "term": ("dt",),
}


def _label_text(label: Tag) -> str:
    """A label's text without the 必須 mark (a visual cue, repeated by `required`)."""
    parts = []
    for child in label.children:
        if isinstance(child, Tag) and fold(child.get_text()) == "必須":
            continue
        if isinstance(child, Tag) and child.name in ("input", "select", "textarea"):
            continue
        parts.append(text(child) if isinstance(child, Tag) else fold(str(child)))
    return fold(" ".join(parts))


def name_of(element: Tag) -> str:
    """The accessible name, simplified: aria-labelledby, aria-label, a control's <label>,
    a fieldset's <legend>, a table's <caption>, an image's alt, else the element's text."""
    root = element
    while root.parent is not None:
        root = root.parent
    if ids := element.get("aria-labelledby"):
        found = [root.find(id=i) for i in ids.split()]
        return fold(" ".join(text(f) for f in found if f))
    if element.get("aria-label"):
        return fold(element["aria-label"])
    if element.name in ("input", "select", "textarea"):
        if element.get("type") in ("submit", "button", "reset"):
            return fold(element.get("value", ""))
        if element.get("id"):
            label = root.find("label", attrs={"for": element["id"]})
            if label:
                return _label_text(label)
        wrapping = element.find_parent("label")
        if wrapping:
            return _label_text(wrapping)
        return fold(element.get("title", ""))
    if element.name == "fieldset":
        legend = element.find("legend")
        return _label_text(legend) if legend else ""
    if element.name == "table":
        caption = element.find("caption")
        return text(caption) if caption else ""
    if element.name == "img":
        return fold(element.get("alt", ""))
    return text(element)


def _matches(name: str, wanted: str | re.Pattern[str] | None, exact: bool) -> bool:
    if wanted is None:
        return True
    if isinstance(wanted, re.Pattern):
        return bool(wanted.search(name))
    wanted = fold(wanted)
    return name == wanted if exact else wanted in name


def all_by_role(
    page: Any, role: str, name: str | re.Pattern[str] | None = None, *, exact: bool = True
) -> list[Tag]:
    """Elements with this role (an explicit role="" or the tag's own) and accessible name."""
    node = soup(page)
    found: list[Tag] = []
    for element in node.find_all(True):
        if element.find_parent("template"):
            continue
        explicit = element.get("role")
        if explicit:
            has_role = role in explicit.split()
        else:
            has_role = any(element.css.match(s) for s in _IMPLICIT.get(role, ()))
        if has_role and _matches(name_of(element), name, exact):
            found.append(element)
    return found


def by_role(
    page: Any, role: str, name: str | re.Pattern[str] | None = None, *, exact: bool = True
) -> Tag:
    """The one element with this role and name; fails the test if there is none or several."""
    found = all_by_role(page, role, name, exact=exact)
    if len(found) != 1:
        names = [name_of(e) for e in all_by_role(page, role)]
        raise AssertionError(
            f"{len(found)} elements with role {role!r} and name {name!r}; the page has {names}"
        )
    return found[0]


def by_label(page: Any, label: str, *, exact: bool = True) -> Tag:
    """The form control (input, select, textarea, or a fieldset of radio buttons or check
    boxes) named by this <label> or <legend> text."""
    node = soup(page)
    found = [
        element
        for element in node.find_all(["input", "select", "textarea", "fieldset"])
        if element.get("type") not in ("hidden", "submit", "button")
        and not element.find_parent("template")
        and _matches(name_of(element), label, exact)
    ]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} form controls labelled {label!r}")
    return found[0]


def heading(page: Any, name: str | re.Pattern[str], *, exact: bool = True) -> Tag:
    return by_role(page, "heading", name, exact=exact)


def headings(page: Any, level: int | None = None) -> list[str]:
    """The text of every heading (of this level: 2 for <h2>), in page order."""
    return [
        name_of(h) for h in all_by_role(page, "heading") if level is None or h.name == f"h{level}"
    ]


def terms(page: Any) -> list[tuple[str, str]]:
    """(term, description) of every <dt>/<dd> pair of the definition lists, in page order."""
    pairs = []
    for term in soup(page).find_all("dt"):
        description = term.find_next_sibling("dd")
        pairs.append((text(term), text(description) if description else ""))
    return pairs


def link(page: Any, name: str | re.Pattern[str], *, exact: bool = True) -> Tag:
    return by_role(page, "link", name, exact=exact)


def links(page: Any) -> list[tuple[str, str]]:
    """(text, href) of every link, in page order."""
    return [(name_of(a), a["href"]) for a in all_by_role(page, "link")]


def rows(table: Any, *, seen: bool = False) -> list[list[str]]:
    """Each row of a table (or of every table in the node) as the texts of its cells."""
    node = soup(table)
    return [
        [text(cell, seen=seen) for cell in tr.find_all(["th", "td"])] for tr in node.find_all("tr")
    ]


def row(table: Any, header: str, *, exact: bool = True, seen: bool = True) -> list[str]:
    """The data cells (<td>) of the first row whose row header (<th>, else its first cell)
    reads `header`, as a sighted user reads them (seen=False: with the screen-reader-only
    words). exact=False: the header starts with `header`."""
    for tr in soup(table).find_all("tr"):
        cells = tr.find_all(["th", "td"])
        heads = [c for c in cells if c.name == "th"] or cells[:1]
        for head in heads:
            shown = text(head, seen=True)
            if shown == fold(header) or (not exact and shown.startswith(fold(header))):
                return [text(cell, seen=seen) for cell in cells if cell.name == "td"]
    raise AssertionError(f"no row {header!r}")


def _control(node: Tag, label: str | None, name: str | None) -> Tag:
    if name is None:
        return by_label(node, label or "")
    # A page may have two controls of one name (the month picker and the form's month):
    # the one Django marked invalid is the one with the error.
    named = [e for e in node.find_all(attrs={"name": name}) if not e.find_parent("template")]
    if not named:
        raise AssertionError(f"no form control named {name!r}")
    found = next((e for e in named if e.get("aria-invalid") == "true"), named[0])
    fieldset = found.find_parent("fieldset")
    if (
        found.get("type") in ("radio", "checkbox")
        and fieldset
        and not found.get("aria-describedby")
    ):
        return fieldset
    return found


def field_error(page: Any, label: str | None = None, *, name: str | None = None) -> str:
    """The error shown at the field with this label (or posted under this name), as the
    user reads it, "" when none: what the control's (or its fieldset's) aria-describedby
    points at among the error ids Django gives (<id>_error)."""
    node = soup(page)
    control = _control(node, label, name)
    described = control.get("aria-describedby", "").split()
    errors = [node.find(id=i) for i in described if i.endswith("_error")]
    return fold(" ".join(text(e) for e in errors if e))


def field_errors(page: Any, label: str | None = None, *, name: str | None = None) -> list[str]:
    """The messages of `field_error`, one by one, without their 「エラー：」 prefix."""
    shown = field_error(page, label, name=name)
    return [fold(m) for m in shown.split("エラー：") if fold(m)]


def stat(page: Any, label: str) -> str:
    """A headline figure: the list item that reads "<value><label>" gives its value."""
    for item in soup(page).find_all("li"):
        value = item.find(True)
        if value is None:
            continue
        rest = fold(item.get_text().replace(value.get_text(), "", 1))
        if rest == fold(label):
            return fold(value.get_text())
    raise AssertionError(f"no figure {label!r}")


def forms(page: Any) -> list[Tag]:
    """Every <form> a user can submit (none inside a <template>)."""
    return [f for f in soup(page).find_all("form") if not f.find_parent("template")]


def form_fields(page: Any, form_id: str | None = None, *, blanks: bool = False) -> dict[str, Any]:
    """What the browser posts for a form: the one given, else the first method=post form of
    the page (or the one with this id). Inputs, checked boxes, selected options, textareas;
    nothing inside a <template>. blanks=True lists unchecked boxes too, with "", so a test
    knows every name the form can send."""
    node = soup(page)
    if node.name == "form":
        form = node
    else:
        posted = [
            f
            for f in forms(node)
            if (f.get("method") or "").lower() == "post"
            and (form_id is None or f.get("id") == form_id)
        ]
        if not posted:
            return {}
        form = posted[0]
    fields: list[tuple[str, str]] = []
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.find_parent("template"):
            continue
        if element.name == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    fields.append((name, element.get("value") or "on"))
                elif blanks and name not in dict(fields):
                    fields.append((name, ""))
                continue
            fields.append((name, element.get("value") or ""))
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")]
            pick = chosen[0] if chosen else (options[0] if options else None)
            fields.append((name, pick.get("value", pick.get_text()) if pick else ""))
        else:
            value = element.get_text()
            fields.append((name, value[1:] if value.startswith("\n") else value))
    return dict(fields)


def inline_code(page: Any) -> tuple[list[str], list[str]]:
    """What a strict Content Security Policy would block on the page (inline <script> and
    <style>, style="", on…="" handlers, javascript: links), and the src of each script."""
    problems: list[str] = []
    sources: list[str] = []
    for element in soup(page).find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name == "style":
                problems.append(f"<{element.name} style={value!r}>")
            if name.startswith("on"):
                problems.append(f"<{element.name} {name}={value!r}>")
            if name in ("href", "src", "action") and value.strip().lower().startswith(
                "javascript:"
            ):
                problems.append(f"<{element.name} {name}={value!r}>")
        if element.name == "style":
            problems.append("<style> element")
        if element.name == "script":
            if element.get("src"):
                sources.append(element["src"])
            if element.get_text().strip():
                problems.append(f"inline <script>: {element.get_text().strip()[:60]!r}")
    return problems, sources
