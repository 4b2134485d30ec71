from django.contrib.auth import views as auth_views

from anlan.core.kit import ModelConfig, register

from .forms import LoginForm, UserForm
from .models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


register(
    ModelConfig(
        model=User,
        list_columns=[
            "username",
            "display_name",
            "role",
            "region",
            "department",
            "enterprise",
            "is_active",
            "last_login",
        ],
        form_fields=["username", "display_name", "role", "region", "department", "enterprise", "is_active"],
        detail_fields=[
            *("username", "display_name", "role", "region", "department", "enterprise"),
            *("is_active", "last_login", "date_joined"),
        ],
        form_class=UserForm,
        importable=False,  # accounts carry passwords: created one by one, never from a spreadsheet
        search_fields=["username", "display_name"],
        selector=lambda qs: qs.select_related("region", "department", "enterprise").defer("region__boundary"),
        sortable=["username", "role", "region", "last_login"],
        menu_group="系统",
        menu_label="用户管理",
        menu_order=90,
    )
)
