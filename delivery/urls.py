from django.urls import path

from delivery import views

app_name = "delivery"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.inbox_new, name="inbox_new"),
    path("channels/", views.channels, name="channels"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("<int:delivery_id>/", views.open_item, name="open"),
    path("<int:delivery_id>/relayed/", views.confirm_relay, name="confirm_relay"),
    path("notices/<int:notice_id>/reach/", views.notice_reach, name="reach"),
    path("groups/<int:group_id>/relays/", views.group_relays, name="group_relays"),
]
