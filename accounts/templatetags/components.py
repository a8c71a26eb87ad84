"""Tags that feed the page components in templates/components/ (breadcrumbs).

`{% breadcrumbs label url label url … %}` draws components/breadcrumbs.html: ホーム first,
then each (label, url) pair in order. A pair with an empty label is left out, so a page
writes its whole trail once and lets missing parts drop; the last crumb is the current page
(aria-current="page", not a link); a crumb without a url is plain text.
`{% concat a b … as name %}` joins values into one label ("事案 No." and a number).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(*pairs: Any) -> dict[str, list[tuple[str, str]]]:
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes (label, url) pairs")
    labels, urls = pairs[::2], pairs[1::2]
    crumbs = [
        (str(label), str(url or "")) for label, url in zip(labels, urls, strict=True) if label
    ]
    return {"crumbs": [("ホーム", reverse("accounts:home")), *crumbs]}


@register.simple_tag
def concat(*parts: Any) -> str:
    return "".join(str(part) for part in parts)
