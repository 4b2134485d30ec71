"""URLs of one part of the enforcement app (see urls.py)."""

urlpatterns = []
