from django.urls import path

from groups import views

app_name = "groups"
urlpatterns = [
    path("", views.my_groups, name="mine"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("<int:group_id>/invites/", views.create_invite, name="create_invite"),
    path("<int:group_id>/invites/<int:invite_id>/revoke/", views.revoke_invite, name="revoke_invite"),
    path("<int:group_id>/join-requests/", views.request_join, name="request_join"),
    path("<int:group_id>/join-requests/<int:request_id>/", views.decide_join_request, name="decide_join_request"),
    path("<int:group_id>/leave/", views.leave, name="leave"),
    path("<int:group_id>/members/<int:membership_id>/remove/", views.remove_member, name="remove_member"),
    path("<int:group_id>/members/<int:membership_id>/role/", views.set_role, name="set_role"),
    path("<int:group_id>/organisation/", views.link_organisation, name="link_organisation"),
    path("join/<str:token>/", views.join, name="join"),
    path("organisations/u/<str:code>/", views.organisations, name="organisations"),
    path("organisations/u/<str:code>/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:organisation_id>/edit/", views.organisation_edit, name="organisation_edit"),
]
