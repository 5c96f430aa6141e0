from django import forms

from peerwell.core.widgets import LongSelect


class ZoneForm(forms.Form):
    zone = forms.ChoiceField(
        label="Zone",
        choices=[("", "Pick"), ("A/B", "A/B"), ("<x>", "<x>")],
        widget=LongSelect,
        help_text="help",
    )


def test_long_select_renders_like_a_select_with_labels_and_errors_kept():
    form = ZoneForm({"zone": "nope"})
    assert not form.is_valid()
    html = str(form["zone"])
    assert html.startswith("<select ") and 'name="zone"' in html and html.endswith("</select>")
    assert 'id="id_zone"' in html and 'aria-invalid="true"' in html and "aria-describedby" in html
    assert '<option value="&lt;x&gt;">&lt;x&gt;</option>' in html
    chosen = str(ZoneForm(initial={"zone": "A/B"})["zone"])
    assert '<option value="A/B" selected>A/B</option>' in chosen
