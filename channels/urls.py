from django.urls import path

from channels import views
from channels.types.telegram.views import webhook as telegram_webhook
from channels.types.zalo_bot.views import webhook as zalo_bot_webhook
from channels.types.zalo_oa.views import webhook as zalo_oa_webhook

app_name = "channels"
urlpatterns = [
    path("channels/link/", views.link, name="link"),
    path("channels/link/<int:identity_id>/unlink/", views.unlink, name="unlink"),
    path("hooks/zalo-oa/", zalo_oa_webhook, name="hook_zalo_oa"),
    path("hooks/zalo-bot/", zalo_bot_webhook, name="hook_zalo_bot"),
    path("hooks/telegram/", telegram_webhook, name="hook_telegram"),
]
