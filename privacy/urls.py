from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("me/data/", views.mine, name="mine"),
    path("me/data.json", views.download_json, name="json"),
    path("me/data.pdf", views.download_pdf, name="pdf"),
    path("me/data/consent/<int:person_id>/", views.consent, name="consent"),
    path("me/data/delete/", views.delete, name="delete"),
]
