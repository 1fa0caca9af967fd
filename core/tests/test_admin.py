import pytest
from django.contrib import admin
from django.urls import reverse

from canhgiac.testing import signed_in


@pytest.mark.parametrize("model", [model for model in admin.site._registry if model._meta.app_label != "otp_totp"])
def test_every_admin_list_and_search_works_for_back_office_staff(world, client, model):
    signed_in(client, world.admin)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Phước"}).status_code == 200


def test_the_admin_refuses_staff_who_have_not_passed_the_authenticator(world, client):
    client.force_login(world.admin, backend="people.auth.PhoneCodeBackend")
    response = client.get("/admin/places/unit/")
    assert response.status_code == 302
