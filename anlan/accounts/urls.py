from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    *kit_urlpatterns("accounts"),
]
