"""Forms of the register pages: a Victim or DamagedHouse of one process, and a photo upload."""

from django import forms
from django.db.models import Q

from anlan.core.fields import EncryptedCharField
from anlan.core.kit import ScopedModelForm
from anlan.core.masking import mask, visible_value
from anlan.core.regions import name_region_choices
from anlan.core.widgets import LOCAL_INPUT, DateTimeLocal
from anlan.sites.models import Household

from .models import DamagedHouse, Victim
from .registers import HOUSE_FIELDS, VICTIM_FIELDS, regions_for

__all__ = ["HouseForm", "PhotoForm", "VictimForm"]


class RegisterForm(ScopedModelForm):
    """The process is the page's. Regions: the user's own, inside the townships the process hit.

    An encrypted value the user may not read in full (ID numbers for all but the county administrator)
    is shown masked; sent back unchanged, the stored value is kept — so editing a row never reveals it."""

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.process = process
        self.fields["region"].queryset = regions_for(process, self.user)
        name_region_choices(self.fields["region"])
        self._masked = {}
        for f in self.instance._meta.concrete_fields:
            if not isinstance(f, EncryptedCharField) or f.name not in self.fields or self.instance.pk is None:
                continue
            stored = getattr(self.instance, f.name) or ""
            if stored and visible_value(self.user, f.sensitive_kind, stored) != stored:
                self._masked[f.name] = stored
                self.initial[f.name] = mask(f.sensitive_kind, stored)

    def clean(self):
        data = super().clean()
        for name, stored in self._masked.items():
            kind = self.instance._meta.get_field(name).sensitive_kind
            if data.get(name) == mask(kind, stored):
                data[name] = stored  # copied onto the instance after clean() (ModelForm._post_clean)
        return data


class VictimForm(RegisterForm):
    class Meta:
        model = Victim
        fields = VICTIM_FIELDS


class HouseForm(RegisterForm):
    class Meta:
        model = DamagedHouse
        fields = ["household", *HOUSE_FIELDS]

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, process=process, **kwargs)
        prefixes = [code[:9] for code in process.regions.values_list("code", flat=True)]
        households = Household.objects.restrict(self.user, "view").filter(active=True)
        within = Q(pk__in=[])
        for prefix in prefixes:
            within |= Q(region__pk__startswith=prefix)
        households = households.filter(within)
        self.fields["household"].queryset = households.select_related("site").order_by("region_id", "head_name")
        self.fields["household"].help_text = "从隐患点受威胁户花名册选择时，户主、电话、住址、人口自动带出"


class PhotoForm(forms.Form):
    image = forms.FileField(label="照片", help_text="JPEG 或 PNG")
    caption = forms.CharField(label="说明", max_length=200)
    region = forms.ModelChoiceField(label="拍摄地（乡镇或村）", queryset=None)
    taken_at = forms.DateTimeField(
        label="拍摄时间", required=False, widget=DateTimeLocal(), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"]
    )
    lon = forms.FloatField(label="经度", required=False)
    lat = forms.FloatField(label="纬度", required=False)

    def __init__(self, *args, process, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(process, user)
        name_region_choices(self.fields["region"])
        self.fields["region"].error_messages["invalid_choice"] = "区划不在本灾害过程的受灾乡镇内或不在您的管辖范围内"
