"""The first Zalo grant from the admin: OAuth v4 authorization code with PKCE, against the local fake."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import signed_in
from channels.actions import check_add_channel
from channels.conftest import ZALO_APP_ID
from channels.models import ChannelConfig
from channels.types.zalo_oa import oauth


@pytest.fixture
def unauthorised(world, fake):
    """A Zalo OA configured with its app id and secret, before anyone granted it access."""
    return check_add_channel(
        world.admin, world.commune, "zalo_oa", {"app_id": ZALO_APP_ID, "app_secret": "app-secret", "oa_secret_key": "k"}
    )


def start(client, config):
    """The admin's "Authorise with Zalo" button, then Zalo's permission page (the fake grants at once)."""
    to_zalo = client.get(reverse("admin:channels_channelconfig_zalo_authorize", args=[config.pk]))
    assert to_zalo.status_code == 302
    granted = httpx.get(to_zalo["Location"], follow_redirects=False)
    assert granted.status_code == 302
    return to_zalo["Location"], granted.headers["Location"]


def test_an_administrator_authorises_the_oa_and_the_first_token_pair_is_stored(world, client, fake, unauthorised):
    signed_in(client, world.admin)
    change_page = client.get(reverse("admin:channels_channelconfig_change", args=[unauthorised.pk])).content.decode()
    assert "Authorise with Zalo" in change_page or "Cấp quyền qua Zalo" in change_page

    permission, back = start(client, unauthorised)
    query = parse_qs(urlsplit(permission).query)
    assert query["app_id"] == [ZALO_APP_ID] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"][0].endswith("/admin/channels/channelconfig/zalo-authorized/")
    path = urlsplit(back)
    done = client.get(f"{path.path}?{path.query}")

    assert done.status_code == 302 and done["Location"].endswith(f"/{unauthorised.pk}/change/")
    secrets = ChannelConfig.objects.get(pk=unauthorised.pk).secrets
    assert secrets["access_token"].startswith("access-") and secrets["refresh_token"] in fake.live_refresh_tokens
    (exchange,) = fake.calls("oauth")
    assert exchange.form["grant_type"] == "authorization_code" and exchange.headers["secret_key"] == "app-secret"
    assert AuditEvent.objects.filter(verb="channel.authorized", actor=world.admin).exists()
    # The stored pair works: the next refresh succeeds with it.
    assert oauth.refresh(ChannelConfig.objects.get(pk=unauthorised.pk), stale_token=secrets["access_token"])


def test_a_code_returned_twice_or_without_the_session_that_started_it_is_refused(world, client, fake, unauthorised):
    signed_in(client, world.admin)
    _permission, back = start(client, unauthorised)
    path = urlsplit(back)
    client.get(f"{path.path}?{path.query}")

    again = client.get(f"{path.path}?{path.query}", follow=True).content.decode()

    assert "Start again" in again or "Hãy bắt đầu lại" in again
    assert len(fake.calls("oauth")) == 1


def test_a_verifier_that_does_not_match_the_challenge_stores_nothing(world, fake, unauthorised):
    _verifier, challenge = oauth.pkce_pair()
    granted = httpx.get(
        oauth.permission_url(unauthorised, redirect_uri="http://app/back", code_challenge=challenge, state="s"),
        follow_redirects=False,
    )
    code = parse_qs(urlsplit(granted.headers["Location"]).query)["code"][0]
    other_verifier, _challenge = oauth.pkce_pair()

    with pytest.raises(oauth.TransportError, match="authorisation refused"):
        oauth.authorize(unauthorised, code=code, code_verifier=other_verifier)

    assert "access_token" not in ChannelConfig.objects.get(pk=unauthorised.pk).secrets


def test_a_resident_or_officer_cannot_start_an_authorisation(world, client, unauthorised):
    signed_in(client, world.officer)

    response = client.get(reverse("admin:channels_channelconfig_zalo_authorize", args=[unauthorised.pk]))

    assert response.status_code in (302, 403)
    assert "oauth" not in response.get("Location", "")
