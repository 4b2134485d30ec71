"""Finding 7 (issue 12): a township user created and submitted a warning targeting another township,
because ScopedSerializer scoped single related fields only. Many-valued fields (many=True) are now scoped
through their child, for every serializer on the API."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers

from anlan.alerts.models import Warning
from anlan.core.api import ScopedSerializer, router
from anlan.core.testing.personas import persona
from anlan.geo.models import Region
from tests.alerts.test_warnings import body

pytestmark = pytest.mark.django_db


def test_finding07_township_cannot_target_another_township_through_the_api(client, tree):
    client.force_login(persona("township_officer"))
    before = Warning.objects.count()
    other = client.post(
        "/api/v1/warnings/",
        body(tree, regions=[tree.village.code, tree.other_village.code]),
        content_type="application/json",
    )
    assert other.status_code == 400, other.content
    assert tree.other_village.code in other.json()["regions"][0] and "管辖范围" in other.json()["regions"][0]
    assert Warning.objects.count() == before  # nothing written

    own = client.post("/api/v1/warnings/", body(tree), content_type="application/json")
    assert own.status_code == 201, own.content  # its own villages still work
    assert list(Warning.objects.get(pk=own.json()["id"]).regions.values_list("code", flat=True)) == [tree.village.code]


def _many_valued(serializer_class, request):
    serializer = serializer_class(context={"request": request})
    return {
        name: field.child_relation
        for name, field in serializer.fields.items()
        if isinstance(field, serializers.ManyRelatedField) and not field.read_only
    }


def test_finding07_every_many_valued_field_on_the_api_is_scoped(tree):
    """The root: whatever serializer an app registers, its many=True choices are the user's scope."""
    user = persona("township_officer")
    request = RequestFactory().get("/")
    request.user = user
    checked = []
    for _prefix, viewset, _basename in router.registry:
        serializer_class = getattr(viewset, "serializer_class", None)
        if not (isinstance(serializer_class, type) and issubclass(serializer_class, ScopedSerializer)):
            continue
        for name, child in _many_valued(serializer_class, request).items():
            model = child.queryset.model
            if model is Region:
                assert not child.queryset.filter(code=tree.other_village.code).exists(), (serializer_class, name)
                assert child.queryset.filter(code=tree.village.code).exists()
            elif hasattr(model.objects, "restrict"):
                visible = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
                assert set(child.queryset.values_list("pk", flat=True)) <= visible, (serializer_class, name)
            checked.append(f"{serializer_class.__name__}.{name}")
    assert "WarningSerializer.regions" in checked
