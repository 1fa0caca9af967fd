"""The steering forms and lists, through the web: issuing, assigning, withdrawing, reading reminders."""

from datetime import timedelta

from django.utils import timezone

from canhgiac.testing import create_directive, signed_in
from groups.models import GroupKind
from steering.actions import do_send_reminders
from steering.models import Directive, Requirement, Responsibility, TargetLevel


def test_an_officer_issues_a_directive_through_the_form_and_lands_on_its_compliance(world, client):
    signed_in(client, world.officer)
    form = client.get(f"/steering/u/{world.commune.code}/directives/new/").content.decode()
    assert "mỗi tổ dân cư tự quản — Tổ dân cư tự quản" in form
    response = client.post(
        f"/steering/u/{world.commune.code}/directives/new/",
        {
            "title": "Mỗi ấp lập nhóm và tổ tuần tra",
            "deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "requirements": [f"{TargetLevel.HAMLET}:{GroupKind.HAMLET}", f"{TargetLevel.COMMUNE}:{GroupKind.PATROL}"],
            "grace_days": 30,
        },
        follow=True,
    )
    directive = Directive.objects.get()
    assert response.redirect_chain[-1][0] == f"/steering/directives/{directive.pk}/"
    html = response.content.decode()
    assert "Đã ban hành chỉ đạo." in html
    assert "Ấp Phước Lễ" in html  # still without its hamlet group
    assert [(r.level, r.group_kind) for r in directive.requirements.order_by("-level")] == [
        (TargetLevel.HAMLET, GroupKind.HAMLET),
        (TargetLevel.COMMUNE, GroupKind.PATROL),
    ]


def test_a_directive_with_a_past_deadline_is_refused_in_vietnamese_and_nothing_is_saved(world, client):
    response = signed_in(client, world.officer).post(
        f"/steering/u/{world.commune.code}/directives/new/",
        {
            "title": "Chỉ thị",
            "deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "requirements": [f"{TargetLevel.HAMLET}:{GroupKind.HAMLET}"],
            "grace_days": 30,
        },
    )
    assert response.status_code == 200
    assert "Thời hạn không được ở trong quá khứ." in response.content.decode()
    assert not Directive.objects.exists() and not Requirement.objects.exists()


def test_responsibilities_are_assigned_and_ended_through_the_page_and_show_on_the_members_list(world, client):
    signed_in(client, world.officer)
    response = client.post(
        f"/steering/u/{world.commune.code}/responsibilities/",
        {"person": world.steering.pk, "target": f"unit:{world.other_hamlet.pk}", "duty": "Phụ trách ấp Phước Lễ"},
        follow=True,
    )
    assert "Đã phân công nhiệm vụ." in response.content.decode()
    refused = client.post(
        f"/steering/u/{world.commune.code}/responsibilities/",
        {"person": world.steering.pk, "target": f"unit:{world.other_hamlet.pk}"},
        follow=True,
    )
    assert "đã được phân công nhiệm vụ này" in refused.content.decode()
    create_directive(world.officer, world.commune, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)])

    mine = signed_in(client, world.steering).get("/steering/mine/").content.decode()
    assert "Phụ trách ấp Phước Lễ" in mine
    assert "1 đơn vị còn thiếu nhóm theo yêu cầu" in mine and "Tổ 1" in mine

    responsibility = Responsibility.objects.get()
    signed_in(client, world.officer).post(f"/steering/responsibilities/{responsibility.pk}/end/")
    responsibility.refresh_from_db()
    assert responsibility.ended_at is not None


def test_a_reminder_opens_the_compliance_it_is_about(world, client):
    directive = create_directive(
        world.province_officer, world.province, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)], days=7
    )
    do_send_reminders()
    signed_in(client, world.officer)
    mine = client.get("/steering/mine/").content.decode()
    assert f"Còn 7 ngày: {directive.title}" in mine
    reminder = world.officer.steering_reminders.get()
    response = client.post(f"/steering/reminders/{reminder.pk}/read/")
    assert response.url == f"/steering/directives/{directive.pk}/?scope={world.commune.code}"
    assert client.get(response.url).status_code == 200


def test_the_province_withdraws_its_directive_and_it_leaves_the_dashboards(world, client):
    directive = create_directive(
        world.province_officer, world.province, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)]
    )
    signed_in(client, world.province_officer)
    client.post(f"/steering/directives/{directive.pk}/withdraw/", {"reason": "Thay bằng chỉ đạo mới"})
    directive.refresh_from_db()
    assert directive.withdrawn_at is not None
    assert directive.title not in client.get(f"/steering/u/{world.province.code}/").content.decode()


def test_a_province_assigns_communes_and_a_commune_its_hamlets_and_groups(world, client):
    province_page = signed_in(client, world.province_officer).get(
        f"/steering/u/{world.province.code}/responsibilities/"
    )
    province_choices = [value for value, _label in province_page.context["form"].fields["target"].choices[0][1]]
    assert f"unit:{world.commune.pk}" in province_choices and f"unit:{world.hamlet.pk}" not in province_choices
    assert province_page.context["form"].fields["target"].choices[1][1] == []
    commune_page = signed_in(client, world.officer).get(f"/steering/u/{world.commune.code}/responsibilities/")
    commune_groups = [value for value, _label in commune_page.context["form"].fields["target"].choices[1][1]]
    assert f"group:{world.rg_group.pk}" in commune_groups
