"""anlan.E001: an app's view named like a registry-kit URL in the same namespace is a lint error (reverse()
would answer the kit's generic page instead of the app's own)."""

from django.urls import include, path

from anlan.core.checks import kit_name_clashes, kit_url_names_are_unique, url_name_counts
from anlan.core.kit import all_configs


def view(request):  # pragma: no cover - never called
    raise AssertionError


def test_a_view_named_like_a_kit_page_is_reported_and_other_names_are_not():
    campaign = next(c for c in all_configs() if c.app_label == "geohazard" and c.model_name == "campaign")
    clashing = (
        [path("campaigns/new/", view, name="campaign_add"), path("campaign/add/", view, name="campaign_add")],
        "geohazard",
    )
    fine = (
        [path("campaigns/new/", view, name="campaign_new"), path("campaign/add/", view, name="campaign_add")],
        "geohazard",
    )
    assert kit_name_clashes(url_name_counts([path("g/", include(clashing))]), [campaign]) == ["geohazard:campaign_add"]
    assert kit_name_clashes(url_name_counts([path("g/", include(fine))]), [campaign]) == []


def test_the_project_has_no_clash():
    assert kit_url_names_are_unique() == []
