from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signin/officer/", views.officer_verify, name="officer_verify"),
    path("signin/officer/setup/", views.officer_setup, name="officer_setup"),
    path("signout/", views.signout, name="signout"),
    path("me/", views.profile, name="profile"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/edit/", views.update_household, name="update_household"),
    path("households/<int:household_id>/members/<int:person_id>/relay/", views.set_relay, name="set_relay"),
    path("households/<int:household_id>/members/<int:person_id>/remove/", views.remove_member, name="remove_member"),
    path("units/<str:unit_code>/households/new/", views.household_create, name="household_create"),
]
