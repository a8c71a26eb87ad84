"""The form renderer: every form and every field is drawn by the project's components.

`templates/components/field.html` is the one field template (label, 必須, help, the errors at
the field with the ids Django's aria-describedby names, the input) and
`templates/components/form.html` the one form template, so `{{ form }}` and
`{{ form.field.as_field_group }}` look the same on every page. TemplatesSetting renders them
with the project's template engine, which finds `templates/` and Django's widget templates
(`django.forms` is in INSTALLED_APPS for that).
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class ComponentsRenderer(TemplatesSetting):
    """TemplatesSetting with the project's form and field components."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
