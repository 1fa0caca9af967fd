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
    path("me/display/", views.display_mode, name="display"),
    path("start/", views.landing, name="landing"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
]
