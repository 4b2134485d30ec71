from anlan.core.views import kit_urlpatterns

app_name = "notify"

# The read-only 消息送达 list (registered by alerts, which knows the 叫应 rules its filters need).
urlpatterns = [*kit_urlpatterns("notify")]
