from django.contrib.auth import views as auth_views

from anlan.core.kit import ModelConfig, register

from .forms import LoginForm
from .models import Department


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


register(
    ModelConfig(
        model=Department,
        list_columns=["code", "name", "kind", "region", "duty_phone"],
        form_fields=["code", "name", "kind", "region", "duty_phone", "responsibilities"],
        search_fields=["name", "code"],
        natural_keys={},
        selector=lambda qs: qs.select_related("region"),
        menu_group="人员与部门",
        menu_order=20,
    )
)
