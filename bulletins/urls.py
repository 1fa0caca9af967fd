from django.urls import path

from bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.compose, name="compose"),
    path("templates/", views.template_library, name="templates"),
    path("<int:bulletin_id>/", views.detail, name="detail"),
    path("<int:bulletin_id>/cancel/", views.cancel, name="cancel"),
    path("<int:bulletin_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("groups/<int:group_id>/post/", views.create_post, name="create_post"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/reshare/", views.reshare, name="reshare"),
    path("posts/<int:post_id>/replies/", views.reply, name="reply"),
    path("posts/<int:post_id>/moderate/", views.moderate, name="moderate"),
    path("posts/<int:post_id>/photo/", views.post_photo, name="post_photo"),
    path("replies/<int:reply_id>/photo/", views.reply_photo, name="reply_photo"),
    path("groups/<int:group_id>/members/<int:membership_id>/mute/", views.mute, name="mute"),
    path("posts/<int:post_id>/lost-found/", views.reshare_lost_found, name="reshare_lost_found"),
]
