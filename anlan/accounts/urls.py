from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/otp/", views.LoginOtpView.as_view(), name="login_otp"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path("security/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("security/otp/", views.OtpEnrolView.as_view(), name="otp_enrol"),
    path("map-layers/", views.map_layers, name="map_layers"),
    path("user/<int:pk>/security/", views.UserSecurityView.as_view(), name="user_security"),
    *kit_urlpatterns("accounts"),
]
