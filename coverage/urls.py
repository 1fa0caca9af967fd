from django.urls import path

from coverage import views

app_name = "coverage"
urlpatterns = [
    path("units/", views.my_units, name="my_units"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:code>/children/", views.create_child, name="create_child"),
    path("units/<str:code>/rename/", views.rename_unit, name="rename_unit"),
    path("units/<str:code>/groups/", views.create_group, name="create_group"),
    path("units/<str:code>/imports/", views.start_import, name="start_import"),
    path("units/<str:code>/imports/<int:import_id>/", views.import_status, name="import_status"),
    path("units/<str:code>/neighbours/", views.set_neighbours, name="set_neighbours"),
    path("units/<str:code>/households-declared/", views.declare_households, name="declare_households"),
    path("units/<str:unit_code>/households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/edit/", views.update_household, name="update_household"),
    path("households/<int:household_id>/members/<int:person_id>/relay/", views.set_relay, name="set_relay"),
    path("households/<int:household_id>/members/<int:person_id>/remove/", views.remove_member, name="remove_member"),
]
