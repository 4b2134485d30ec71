"""`Authorization: Token <key>` authentication against hashed keys."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_token

# A token's "last used" time is written at most once a minute: a write per request would make every API
# read a write, queued behind any long write transaction (finding 4: SQLite's single writer).
LAST_USED_EVERY_SECONDS = 60


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式应为：Authorization: Token <令牌>")
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("令牌无效") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key), revoked=False).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已吊销")
        now = timezone.now()
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed("令牌已过期")
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_EVERY_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Token <key>` in the OpenAPI document."""

    target_class = "anlan.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <令牌>"}
