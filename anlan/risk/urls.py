from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "risk"

urlpatterns = [
    path("index/", views.risk_index, name="index"),
    path("riskpoint/<int:pk>/assess/", views.assess, name="assess"),
    path("riskpoint/<int:pk>/card/", views.card, name="card"),
    path("majorhazardsource/<int:pk>/substances/", views.substances, name="substances"),
    *kit_urlpatterns("risk"),
]
