"""The public tip page (群众举报): anyone may report a hazard without an account. Protected as every
public form is (core/public.py); at most ANLAN_TIP_RATE_PER_HOUR tips per address per hour.

Apps above hazards add to the page by registration at `ready()` (hazards imports none of them):
`register_tip_extension(ext)`, where `ext` has `add_fields(form)` (fields after the tip's own),
`clean(form, data)` (checks across its fields, `form.add_error`), and `save(form, hazard)`, called in the
tip's transaction after the hazard is reported, returning `(template, context)` for the done page or None
(12350 举报奖励: the reward claim, the query code and password — anlan/rewards/public.py).
"""

import datetime as dt

from django import forms
from django.utils import timezone

from anlan.core.public import ChallengeForm, address_key, client_ip
from anlan.core.public import new_challenge as _new_challenge
from anlan.core.regions import choice_label
from anlan.core.validators import validate_phone
from anlan.geo.models import Region, RegionLevel

from .models import HiddenHazard

__all__ = [
    "PublicTipForm",
    "address_key",
    "client_ip",
    "new_challenge",
    "recent_tips",
    "register_tip_extension",
    "save_extensions",
]

SALT = "anlan.public-tip"
REVIEW_DAYS = 7  # the deadline a tip carries until a township assigns it with its own


def new_challenge(now: float | None = None) -> tuple[str, str]:
    return _new_challenge(SALT, now)


def recent_tips(key: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return HiddenHazard.objects.filter(
        source=HiddenHazard.Source.PUBLIC_TIP, submitted_from=key, created_at__gte=since
    ).count()


TIP_PREFIX = "群众举报："
_EXTENSIONS: list = []


def register_tip_extension(extension) -> None:
    if extension not in _EXTENSIONS:
        _EXTENSIONS.append(extension)


def save_extensions(form, hazard) -> list[tuple[str, dict]]:
    """What each extension shows on the done page, after saving its part (inside the tip's transaction)."""
    return [shown for ext in _EXTENSIONS if (shown := ext.save(form, hazard)) is not None]


class PublicTipForm(ChallengeForm):
    salt = SALT

    region = forms.ModelChoiceField(label="所在村（社区）", queryset=None, to_field_name="code")
    # The place becomes the title after TIP_PREFIX: the title's 200 characters hold it whole, never cut.
    place = forms.CharField(label="具体位置", max_length=200 - len(TIP_PREFIX))
    description = forms.CharField(label="隐患情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    photo = forms.FileField(label="照片（可选，JPEG 或 PNG）", required=False)
    name = forms.CharField(label="您的称呼（可选）", max_length=64, required=False)
    phone = forms.CharField(
        label="联系电话（可选，便于核实）", max_length=20, required=False, validators=[validate_phone]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.filter(level__in=[RegionLevel.VILLAGE, RegionLevel.TOWNSHIP])
            .select_related("parent")
            .defer("boundary", "parent__boundary")  # a list of names: not some 700 outlines (GeoJSON)
            .order_by("code")
        )
        self.fields["region"].label_from_instance = choice_label
        self.fields["region"].error_messages["invalid_choice"] = "请选择所在村（社区）"
        for ext in _EXTENSIONS:
            ext.add_fields(self)
        for name in ("answer", "website", "challenge"):  # the challenge stays last
            self.fields[name] = self.fields.pop(name)

    def clean(self):
        data = super().clean()
        for ext in _EXTENSIONS:
            ext.clean(self, data)
        return data

    def hazard(self, key: str) -> HiddenHazard:
        d = self.cleaned_data
        return HiddenHazard(
            title=f"{TIP_PREFIX}{d['place']}",
            description=d["description"],
            level=HiddenHazard.Level.GENERAL,
            region=d["region"],
            deadline=timezone.localdate() + dt.timedelta(days=REVIEW_DAYS),
            source=HiddenHazard.Source.PUBLIC_TIP,
            reporter_name=d["name"] or "群众",
            reporter_phone=d["phone"],
            submitted_from=key,
        )
