"""The map without tile servers (an offline commune): still a map, with the names of the units at
their place and a scale, never a grey box; on a phone."""

from pathlib import Path

import pytest
from django.conf import settings

from steering.tests.test_dashboard_journey import sign_in_browser

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def locate(unit, lat: float, lng: float) -> None:
    unit.latitude, unit.longitude = lat, lng
    unit.save(update_fields=["latitude", "longitude"])


@pytest.mark.browser
def test_with_tiles_blocked_the_commune_map_shows_unit_names_and_a_scale(
    live_world, live_server, browser_page, settings
):
    world = live_world
    settings.MAP_TILE_URL = f"{live_server.url}/tiles/{{z}}/{{x}}/{{y}}.png"
    locate(world.commune, 11.2600, 106.2470)
    locate(world.hamlet, 11.2640, 106.2380)
    locate(world.rg, 11.2665, 106.2395)
    locate(world.other_hamlet, 11.2600, 106.2472)  # typed almost where the commune's name is written
    page = browser_page
    page.set_default_timeout(30_000)  # a loaded shared machine
    blocked = []

    def block(route) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route("**/tiles/**", block)
    sign_in_browser(page, live_server, world.officer)
    page.goto(f"{live_server.url}/steering/u/{world.commune.code}/map/")
    page.wait_for_function("() => document.querySelectorAll('.map-label').length === 4", timeout=30_000)
    page.wait_for_function("() => document.getElementById('map-tiles-status').textContent.length > 0")
    assert blocked, "the page asked for tiles, and none came"
    assert "Không tải được bản đồ nền" in page.locator("#map-tiles-status").inner_text()

    box = page.locator("#map").bounding_box()
    for name in ("Xã Cầu Khởi", "Ấp Phước Hội", "Tổ 1"):
        label = page.locator(".map-label", has_text=name)
        assert label.is_visible(), name
        place = label.bounding_box()
        assert box["x"] <= place["x"] <= box["x"] + box["width"] and box["y"] <= place["y"] <= box["y"] + box["height"]
    # Names never overlap: the hamlet written on top of the commune's name is left out.
    assert not page.locator(".map-label", has_text="Ấp Phước Lễ").is_visible()
    scale = page.locator(".leaflet-control-scale-line")
    assert scale.is_visible() and scale.inner_text().strip().endswith(("m", "km"))
    # Not a grey box: a light ground with a grid; a located unit is not listed again under the map.
    ground = page.evaluate("getComputedStyle(document.getElementById('map')).backgroundColor")
    assert ground == "rgb(244, 246, 241)"
    assert (
        page.locator("#unlocated").inner_text() == "" or "Ấp Phước Hội" not in page.locator("#unlocated").inner_text()
    )
    page.screenshot(path=SCREENSHOTS / "steering-map-offline.png", full_page=True)

    for _step in range(3):
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(400)
    page.wait_for_function("() => document.getElementById('map').classList.contains('map-zoomed-out')")
    assert not page.locator(".map-label", has_text="Tổ 1").is_visible()  # too small to read there
    assert page.locator(".map-label", has_text="Xã Cầu Khởi").is_visible()
    assert page.locator(".leaflet-control-scale-line").inner_text().strip().endswith(("m", "km"))
