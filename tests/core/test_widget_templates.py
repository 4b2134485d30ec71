"""anlan/templates/django/forms/widgets/ replaces Django's select and checkbox/radio group templates with ones
that write the options inline (a form choosing people has thousands of options, each otherwise rendered through
two to four more templates): the HTML must stay exactly Django's, option by option, whatever the choices."""

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

CHOICES = [
    ("", "---------"),
    ("1", "巫峡镇"),
    ("2", 'A <b>"quoted"</b> & name'),
    ("水旱", [("3", "洪涝"), ("4", "干旱")]),
]


class Everything(forms.Form):
    one = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES[1:])
    ticks = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect(attrs={"class": "inline"}))
    plain = forms.ChoiceField(choices=[(1, "一"), (2, "二")], widget=forms.RadioSelect)
    number = forms.TypedChoiceField(choices=[(0, "零"), (None, "无")], coerce=int, required=False)
    dated = forms.SplitDateTimeField(widget=forms.SplitHiddenDateTimeWidget)


class DisabledOption(forms.Select):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] == "2":
            option["attrs"]["disabled"] = True
            option["attrs"]["data-note"] = "停用"
        return option


class OwnOptionTemplate(forms.Select):
    option_template_name = "django/forms/widgets/input.html"


def _html(form, renderer) -> str:
    form.renderer = renderer
    return "".join(str(form[name]) for name in form.fields)


def test_the_project_renders_widgets_with_its_own_templates():
    renderer = get_default_renderer()
    assert not isinstance(renderer, DjangoTemplates)
    template = renderer.get_template("django/forms/widgets/select.html")
    assert "anlan/templates" in str(template.origin.name)


def test_selects_and_option_groups_render_exactly_as_djangos_templates():
    data = {"one": "2", "many": ["1", "4"], "ticks": ["3"], "radio": "2", "plain": "1", "number": "0"}
    for bound in (Everything(), Everything(data=data), Everything(initial={"ticks": ["1", "2"], "one": "3"})):
        ours = _html(bound, get_default_renderer())
        theirs = _html(bound, DjangoTemplates())
        assert ours == theirs
    assert 'value="2" selected' in _html(Everything(data=data), get_default_renderer())
    assert "&lt;b&gt;&quot;quoted&quot;&lt;/b&gt; &amp; name" in _html(Everything(), get_default_renderer())


def test_option_attributes_and_a_widgets_own_option_template_are_kept():
    class Form(forms.Form):
        odd = forms.ChoiceField(choices=CHOICES, widget=DisabledOption)
        own = forms.ChoiceField(choices=CHOICES[:3], widget=OwnOptionTemplate)

    form = Form(initial={"odd": "2"})
    ours = _html(form, get_default_renderer())
    assert ours == _html(form, DjangoTemplates())
    assert '<option value="2" selected disabled data-note="停用">' in ours
    assert '<input type="select" name="own" value="1">' in ours  # the widget's own option template, not inline
