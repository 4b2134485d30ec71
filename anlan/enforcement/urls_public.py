"""Public pages (no login): 一公开 results and the 严重失信主体名单."""

app_name = "enforcement_public"

urlpatterns = []
