from django.urls import include, path

from . import urls_campaigns, urls_cases, urls_credit, urls_documents, urls_draws, urls_inspections, urls_plan

app_name = "enforcement"

# One module per part of the app, each owning its own paths under /enforcement/:
#   plan/ classes/ (urls_plan), inspectors/ matters/ draws/ (urls_draws), inspections/ checklists/
#   (urls_inspections), documents/ (urls_documents), cases/ (urls_cases), credit/ violations/ (urls_credit),
#   campaigns/ stats/ (urls_campaigns).
urlpatterns = [
    path("", include(urls_plan.urlpatterns)),
    path("", include(urls_draws.urlpatterns)),
    path("", include(urls_inspections.urlpatterns)),
    path("", include(urls_documents.urlpatterns)),
    path("", include(urls_cases.urlpatterns)),
    path("", include(urls_credit.urlpatterns)),
    path("", include(urls_campaigns.urlpatterns)),
]
