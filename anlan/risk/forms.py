from django import forms

from . import lec
from .models import RiskAssessment


def _choices(values: dict) -> list[tuple[str, str]]:
    return [("", "—")] + [(f"{v:g}", f"{v:g}　{label}") for v, label in values.items()]


class AssessForm(forms.Form):
    """LEC (L, E, C from the pinned tables) or LS matrix (L, S from 1 to 5): the page shows one at a time."""

    method = forms.ChoiceField(
        label="评估方法",
        choices=RiskAssessment.Method.choices,
        # behaviours.js shows only the chosen method's factors (fields named lec_* or matrix_*).
        widget=forms.Select(attrs={"data-field-groups": ""}),
    )
    lec_L = forms.ChoiceField(label="L 事故发生的可能性", choices=_choices(lec.L_VALUES), required=False)
    lec_E = forms.ChoiceField(label="E 暴露于危险环境的频繁程度", choices=_choices(lec.E_VALUES), required=False)
    lec_C = forms.ChoiceField(label="C 发生事故产生的后果", choices=_choices(lec.C_VALUES), required=False)
    matrix_L = forms.TypedChoiceField(
        label="L 可能性（1–5）", choices=[("", "—")] + [(i, i) for i in range(1, 6)], coerce=int, required=False
    )
    matrix_S = forms.TypedChoiceField(
        label="S 严重性（1–5）", choices=[("", "—")] + [(i, i) for i in range(1, 6)], coerce=int, required=False
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        method = data.get("method")
        needed = ("lec_L", "lec_E", "lec_C") if method == "lec" else ("matrix_L", "matrix_S")
        for name in needed:
            if data.get(name) in (None, ""):
                self.add_error(name, "请选择")
        return data

    def factors(self) -> dict:
        d = self.cleaned_data
        if d["method"] == "lec":
            return {"L": float(d["lec_L"]), "E": float(d["lec_E"]), "C": float(d["lec_C"])}
        return {"L": d["matrix_L"], "S": d["matrix_S"]}


class SubstanceForm(forms.Form):
    name = forms.CharField(label="物质名称或 CAS 号", max_length=100, required=False)
    category = forms.CharField(label="危险性类别（未列名物质）", max_length=8, required=False)
    quantity_t = forms.FloatField(label="设计最大量（吨）", min_value=0, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("category")) and data.get("quantity_t") is None:
            self.add_error("quantity_t", "请填写设计最大量")
        return data


SubstanceFormSet = forms.formset_factory(SubstanceForm, extra=3, max_num=50, validate_max=True)
