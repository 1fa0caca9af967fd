def test_the_test_world_builds_through_real_actions(world):
    assert world.rg.path == f"{world.province.code}/{world.commune.code}/{world.hamlet.code}/{world.rg.code}/"
    assert world.elder.relay == world.relay
    assert world.rg_group.memberships.count() == 4
