from functools import cache
from zoneinfo import available_timezones

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone, as (value, label). A callable for ChoiceField: a list would be
    deep-copied into every form instance, hundreds of tuples each time."""
    return [(zone, zone) for zone in sorted(available_timezones())]


class LongSelect(forms.Select):
    """A select of plain options (time zones, filters), built in one pass.

    Django's Select renders a template per option: for the ~600 time zones that is most of
    a page's cost. The attributes the form adds (id, aria-describedby, aria-invalid,
    required) are kept; every value and label is escaped. No option groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308  (each part escaped above)
