from django.urls import path

from duty import views

app_name = "duty"
urlpatterns = [
    path("", views.my_rosters, name="mine"),
    path("alerts/", views.preferences, name="preferences"),
    path("ack/<str:token>/", views.acknowledge, name="ack"),
    path("units/<str:code>/", views.roster, name="roster"),
    path("units/<str:code>/shifts/<int:shift_id>/remove/", views.remove_shift, name="remove_shift"),
]
