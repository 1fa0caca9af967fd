from django.urls import path

from steering import views

app_name = "steering"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("u/<str:code>/", views.dashboard, name="dashboard"),
    path("u/<str:code>/refresh/", views.refresh, name="refresh"),
    path("u/<str:code>/map/", views.map_page, name="map"),
    path("u/<str:code>/map.json", views.map_json, name="map_json"),
    path("u/<str:code>/report.<str:fmt>", views.report_download, name="report"),
    path("u/<str:code>/directives/new/", views.directive_new, name="directive_new"),
    path("u/<str:code>/responsibilities/", views.responsibilities, name="responsibilities"),
    path("directives/<int:directive_id>/", views.directive_detail, name="directive"),
    path("directives/<int:directive_id>/withdraw/", views.directive_withdraw, name="directive_withdraw"),
    path("responsibilities/<int:responsibility_id>/end/", views.responsibility_end, name="responsibility_end"),
    path("reminders/<int:reminder_id>/read/", views.reminder_read, name="reminder_read"),
]
