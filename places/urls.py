from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("", views.my_units, name="mine"),
    path("<str:code>/", views.unit_detail, name="detail"),
    path("<str:code>/children/", views.create_child, name="create_child"),
    path("<str:code>/rename/", views.rename, name="rename"),
    path("<str:code>/groups/", views.create_group, name="create_group"),
    path("<str:code>/imports/", views.start_import, name="start_import"),
    path("<str:code>/imports/<int:import_id>/", views.import_status, name="import_status"),
    path("<str:code>/neighbours/", views.set_neighbours, name="set_neighbours"),
]
