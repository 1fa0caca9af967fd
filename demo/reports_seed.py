"""The article's 32 reports from residents in the first months (June–September 2019), in the
states they would be in now, plus a few fresh ones so the police queue has live work.

Every report goes through the real actions (intake, transitions, sharing, return), with the
clock set to when it happened, so receipts, deadlines, updates and the audit history are
consistent: the buffalo found in ấp Phước Hội on 28 Aug 2019 is shared to the whole commune
and to Dương Minh Châu, and returned to its owner there about two hours later. The 2019 dates
are moved as a whole onto recent days by demo/timeline.py, with everything else in the demo.
"""

import contextlib
import random
from datetime import datetime, timedelta
from unittest import mock

from django.db.models import Field
from django.utils import timezone

from audit.models import AuditEvent
from demo import data, timeline
from groups.models import CommunityGroup, GroupKind
from people.models import Person
from people.phones import normalize_phone
from places.models import Tier, Unit
from reports.actions import (
    Submission,
    check_mark_returned,
    check_post_message,
    check_raise_alert,
    check_share,
    check_submit_report,
    check_transition,
)
from reports.models import LostFoundShare, Report, ReportMessage, ReportPhoto, ReportUpdate, UrgentAlert

FORWARDED_TO = "Cơ quan Cảnh sát điều tra Công an tỉnh Tây Ninh"

_CLOCKED = [
    (Report, "received_at"),
    (ReportUpdate, "created_at"),
    (ReportMessage, "created_at"),
    (ReportPhoto, "created_at"),
    (AuditEvent, "at"),
    (LostFoundShare, "shared_at"),
    (UrgentAlert, "raised_at"),
]


class Clock:
    """Actions and model defaults read `timezone.now`; during seeding it reads this clock."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now

    def at(self, moment: datetime) -> "Clock":
        self.now = moment
        return self

    @contextlib.contextmanager
    def installed(self):
        fields: list[Field] = []
        for model, name in _CLOCKED:
            field = model._meta.get_field(name)
            assert isinstance(field, Field)  # a concrete column, not a reverse relation
            fields.append(field)
        saved = [field.default for field in fields]
        try:
            for field in fields:
                field.default = self
                field.__dict__.pop("_get_default", None)  # Field caches how it computes its default
            with mock.patch("django.utils.timezone.now", self):
                yield self
        finally:
            for field, default in zip(fields, saved, strict=True):
                field.default = default
                field.__dict__.pop("_get_default", None)


def vn(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A moment of 2019 as the article tells it, on the demo's shifted calendar (demo/timeline.py)."""
    return timeline.at(year, month, day, hour, minute)


# (when, hamlet index, kind, category, description, behaviour, final state)
HISTORY = [
    (
        (2019, 6, 12, 7, 40),
        0,
        "public_order",
        "illegal_ads",
        "Tờ rơi quảng cáo cho vay tiền nhanh, không thế chấp dán dày đặc trên cột điện dọc đường ĐT 781 đoạn qua ấp Phước Hội.",
        "",
        "resolved",
    ),
    (
        (2019, 6, 15, 6, 55),
        1,
        "public_order",
        "illegal_ads",
        "Sáng nay lại xuất hiện tờ rơi cho vay nặng lãi dán ở trạm chờ xe buýt ấp Phước Lễ, có ghi số điện thoại liên hệ.",
        "",
        "resolved",
    ),
    (
        (2019, 6, 18, 23, 20),
        2,
        "suspicious",
        "suspicious_gathering",
        "Khoảng 5–6 thanh niên tụ tập trên bờ kênh N16 lúc gần nửa đêm, đi 3 xe máy.",
        "Đứng quan sát các nhà có nuôi chó, đi qua đi lại nhiều lần, tắt đèn xe khi có người ra.",
        "resolved",
    ),
    (
        (2019, 6, 20, 2, 10),
        2,
        "crime",
        "theft",
        "Nhà tôi bị bắt trộm 2 con chó lúc khoảng 2 giờ sáng, nghe tiếng xe máy chạy về hướng cầu Khởi.",
        "",
        "forwarded",
    ),
    (
        (2019, 6, 24, 8, 15),
        0,
        "public_order",
        "illegal_ads",
        "Tờ rơi tín dụng đen được nhét vào khe cửa các nhà trong tổ 3, hứa giải ngân trong ngày.",
        "",
        "resolved",
    ),
    (
        (2019, 6, 29, 22, 45),
        3,
        "suspicious",
        "suspicious_vehicle",
        "Xe máy không gắn biển số chạy chậm quanh các hẻm ấp Phước Bình nhiều vòng trong đêm.",
        "Hai người trên xe dừng trước các nhà có xe máy để ngoài sân rồi chạy đi khi đèn bật.",
        "unfounded",
    ),
    (
        (2019, 7, 2, 9, 30),
        1,
        "lost",
        "lost_item",
        "Mất ví da màu nâu có giấy tờ xe và căn cước trên đường từ chợ Phước Lễ về nhà.",
        "",
        "closed",
    ),
    (
        (2019, 7, 2, 10, 5),
        1,
        "found",
        "found_item",
        "Nhặt được một ví da màu nâu gần chợ Phước Lễ, bên trong có giấy tờ tùy thân. Ai mất liên hệ công an xã để nhận lại.",
        "",
        "returned",
    ),
    (
        (2019, 7, 6, 1, 50),
        4,
        "crime",
        "theft",
        "Bị trộm xe máy Wave để trong sân lúc rạng sáng, khóa cổng bị cắt.",
        "",
        "forwarded",
    ),
    (
        (2019, 7, 9, 21, 30),
        4,
        "suspicious",
        "suspicious_gathering",
        "Nhóm người lạ tụ tập uống rượu đến khuya ở quán nước đầu ấp Phước Tân, nghi dò xét để trộm xe.",
        "Hỏi thăm nhà nào đi làm ca đêm, ghi chép biển số xe đậu ngoài đường.",
        "resolved",
    ),
    (
        (2019, 7, 12, 7, 0),
        5,
        "public_order",
        "illegal_ads",
        "Băng rôn nhỏ quảng cáo cho vay tiền góp ngày treo ở hàng rào trường tiểu học Phước An.",
        "",
        "resolved",
    ),
    (
        (2019, 7, 15, 16, 20),
        0,
        "crime",
        "usury",
        "Người cho vay góp đến nhà hàng xóm đòi nợ, la lối, đe dọa tạt sơn vì trả chậm.",
        "",
        "forwarded",
    ),
    (
        (2019, 7, 18, 23, 55),
        2,
        "suspicious",
        "suspicious_person",
        "Có người lạ lảng vảng sau dãy chuồng bò ở tổ 5 ấp Phước Long.",
        "Soi đèn pin vào chuồng, bỏ chạy khi bị gọi hỏi.",
        "resolved",
    ),
    (
        (2019, 7, 21, 3, 0),
        3,
        "crime",
        "theft",
        "Mất trộm chó lần thứ hai trong tháng ở tổ 2 ấp Phước Bình, kẻ trộm dùng xe máy và dây thòng lọng.",
        "",
        "forwarded",
    ),
    (
        (2019, 7, 25, 7, 45),
        1,
        "public_order",
        "illegal_ads",
        "Tờ rơi cho vay không cần thế chấp dán trên tường nhà văn hóa ấp Phước Lễ.",
        "",
        "resolved",
    ),
    (
        (2019, 7, 28, 20, 10),
        5,
        "public_order",
        "traffic",
        "Thanh niên chạy xe máy lạng lách, nẹt pô trên đường liên ấp mỗi tối thứ bảy.",
        "",
        "resolved",
    ),
    (
        (2019, 8, 1, 22, 0),
        4,
        "suspicious",
        "suspicious_gathering",
        "Khoảng 10 thanh niên tụ tập trước cửa hàng tạp hóa đã đóng cửa, nghi chuẩn bị đánh nhau.",
        "Mang theo gậy, tụ tập đông, chửi bới người đi đường.",
        "resolved",
    ),
    (
        (2019, 8, 5, 8, 30),
        0,
        "public_order",
        "illegal_ads",
        "Tờ rơi cho vay nặng lãi dán ở cổng chợ Phước Hội, giống loại tờ rơi tháng trước.",
        "",
        "resolved",
    ),
    (
        (2019, 8, 9, 1, 30),
        2,
        "crime",
        "theft",
        "Nhà ông Sáu bị bắt trộm 3 con chó, kẻ gian đi 2 xe máy về hướng xã bên.",
        "",
        "forwarded",
    ),
    (
        (2019, 8, 12, 14, 0),
        3,
        "crime",
        "fraud",
        "Có người gọi điện xưng công an yêu cầu chuyển tiền để 'giải quyết hồ sơ', gia đình nghi lừa đảo.",
        "",
        "unfounded",
    ),
    (
        (2019, 8, 16, 23, 15),
        1,
        "suspicious",
        "suspicious_vehicle",
        "Xe ba gác chở lồng sắt chạy ngang ấp Phước Lễ lúc nửa đêm, nghi chở chó trộm.",
        "Dừng lại ở các nhà có chó sủa rồi chạy tiếp, không bật đèn.",
        "forwarded",
    ),
    (
        (2019, 8, 20, 7, 20),
        5,
        "public_order",
        "illegal_ads",
        "Tờ rơi vay tiền qua ứng dụng điện thoại được phát ở cổng khu công nghiệp.",
        "",
        "resolved",
    ),
    (
        (2019, 8, 23, 22, 40),
        4,
        "suspicious",
        "suspicious_gathering",
        "Nhóm người lạ ngồi trong rẫy mì cạnh đường ĐT 784 đến khuya, để xe máy trong bụi.",
        "Quan sát các nhà có xe máy, nói chuyện qua điện thoại về 'hàng'.",
        "resolved",
    ),
    (
        (2019, 9, 3, 6, 30),
        3,
        "public_order",
        "illegal_ads",
        "Tờ rơi cho vay nặng lãi được dán lại ở cột điện đầu ấp Phước Bình sau khi đã bóc.",
        "",
        "resolved",
    ),
    ((2019, 9, 8, 2, 20), 5, "crime", "theft", "Mất trộm 1 con chó lúc rạng sáng ở ấp Phước An.", "", "forwarded"),
]

# Fresh reports, counted in hours before now, so the queue shows live work and deadlines.
RECENT = [
    (
        70,
        1,
        "suspicious",
        "suspicious_gathering",
        "Mấy đêm nay có nhóm thanh niên lạ tụ tập ở cuối hẻm 7 ấp Phước Lễ sau 23 giờ, đi xe máy không biển số.",
        "Đi chậm qua từng nhà nhìn vào sân, quay đầu xe khi có người ra, nghi dò xét để trộm chó.",
        "dispatched",
    ),
    (
        30,
        0,
        "crime",
        "usury",
        "Có người đến nhà bà Tư ở tổ 3 đòi nợ vay góp, đe dọa sẽ tạt sơn nếu không trả đủ trong tuần.",
        "",
        "verifying",
    ),
    (
        20,
        2,
        "public_order",
        "illegal_ads",
        "Tờ rơi cho vay tiền nhanh, không thế chấp lại dán dọc đường ĐT 781 đoạn qua ấp Phước Long.",
        "",
        "acknowledged",
    ),
    (
        6,
        1,
        "crime",
        "theft",
        "Nhà tôi bị trộm chó lúc 3 giờ sáng nay, nghe tiếng xe máy rồ ga chạy về phía kênh N16.",
        "",
        "received",
    ),
    (
        3,
        4,
        "suspicious",
        "suspicious_vehicle",
        "Xe tải nhỏ không biển số đậu lâu trước cổng trường, tài xế đi quanh các nhà.",
        "Chụp ảnh nhà dân, hỏi trẻ em đi học về giờ nào.",
        "received",
    ),
]


def _hamlets(commune: Unit) -> list[tuple[Unit, list[Unit]]]:
    hamlets = list(commune.children.filter(tier=Tier.HAMLET).order_by("code"))
    return [(h, list(h.children.order_by("code"))) for h in hamlets]


def _residents(rg: Unit) -> list[Person]:
    return list(Person.objects.filter(household__residential_group=rg, phone__isnull=False).order_by("pk")[:5])


def _steps(kind: str, final: str) -> list[str]:
    if kind in ("lost", "found"):
        return {"closed": ["acknowledged", "closed"], "returned": ["acknowledged", "returned"]}.get(final, [])
    return {
        "received": [],
        "acknowledged": ["acknowledged"],
        "verifying": ["acknowledged", "verifying"],
        "dispatched": ["acknowledged", "dispatched"],
        "resolved": ["acknowledged", "dispatched", "resolved", "closed"],
        "unfounded": ["acknowledged", "verifying", "unfounded", "closed"],
        "forwarded": ["acknowledged", "forwarded"],
    }[final]


def _position(spots: random.Random, hamlet_index: int) -> dict:
    if spots.randrange(6) == 0:
        return {}
    lat, lng = data.HAMLET_POSITIONS[hamlet_index]
    return {
        "latitude": f"{lat + spots.uniform(-0.006, 0.006):.6f}",
        "longitude": f"{lng + spots.uniform(-0.006, 0.006):.6f}",
    }


def _file(clock: Clock, rng: random.Random, when, rg: Unit, reporter: Person, kind, category, text, behaviour, **extra):
    clock.at(when)
    visibility = extra.pop("visibility", rng.choice(["confidential", "confidential", "anonymous", "named"]))
    if kind in ("lost", "found") and visibility == "anonymous":
        visibility = "named"
    sub = Submission(
        kind=kind,
        category=category,
        description=text,
        behaviour=behaviour,
        unit=rg,
        visibility=visibility,
        confirm_warnings=True,
        occurred_at=when - timedelta(minutes=rng.randint(5, 90)),
        **extra,
    )
    return check_submit_report(None if visibility == "anonymous" else reporter, sub).report


def _handle(clock: Clock, officer: Person, report: Report, final: str) -> None:
    moment = clock.now
    for step in _steps(report.kind, final):
        moment += timedelta(hours=3 if step != "closed" else 48)
        clock.at(moment)
        reason = {
            "unfounded": "Xác minh không có dấu hiệu tội phạm.",
            "forwarded": "Có dấu hiệu tội phạm, chuyển cơ quan có thẩm quyền.",
            "resolved": "Đã cùng tổ tuần tra kiểm tra, nhắc nhở và gỡ bỏ.",
        }.get(step, "")
        check_transition(
            officer, report, step, reason=reason, forwarded_to=FORWARDED_TO, assignee=officer, returned_to="chủ sở hữu"
        )


def _buffalo(clock: Clock, commune: Unit, neighbour: Unit, leader: Person, owner: Person, steering: Person) -> None:
    hoi_rg = leader.household.residential_group if leader.household else _hamlets(commune)[0][1][0]
    owner_rg = owner.household.residential_group if owner.household else neighbour
    clock.at(vn(2019, 8, 28, 6, 40))
    lost = check_submit_report(
        owner,
        Submission(
            kind="lost",
            category="lost_animal",
            description="Nhà tôi bị sổng một con trâu đực, sừng cong, có dây mũi màu đỏ, từ tối qua ở ấp Phước Lợi.",
            unit=owner_rg,
            visibility="named",
            confirm_warnings=True,
        ),
    ).report
    clock.at(vn(2019, 8, 28, 7, 30))
    found = check_submit_report(
        leader,
        Submission(
            kind="found",
            category="found_animal",
            description="Phát hiện một con trâu đực đi lạc vào ruộng ấp Phước Hội, sừng cong, dây mũi đỏ. "
            "Đang cột tạm ở nhà tổ trưởng tổ 1. Ai là chủ liên hệ công an xã.",
            place_text="Ruộng cạnh kênh N16, ấp Phước Hội",
            latitude="11.262100",
            longitude="106.233400",
            unit=hoi_rg,
            visibility="named",
            confirm_warnings=True,
        ),
    ).report
    clock.at(vn(2019, 8, 28, 7, 45))
    check_share(steering, found, [commune, neighbour])
    clock.at(vn(2019, 8, 28, 8, 50))
    check_post_message(
        found, "Con trâu này của nhà tôi ở Suối Đá, dây mũi đỏ, tai trái có vết cắt.", actor=owner, as_reporter=False
    )
    clock.at(vn(2019, 8, 28, 9, 35))
    check_mark_returned(steering, found, returned_to=owner.full_name, counterpart=lost)


def seed_reports(commune: Unit, neighbour: Unit, phones: dict[str, str]) -> int:
    """Create the demo reports; returns how many were created."""
    rng = random.Random(2019)
    spots = random.Random(11)  # positions drawn apart, so the choices of places and people stay as they were
    people = {key: Person.objects.get(phone=normalize_phone(phone)) for key, phone in phones.items()}
    officer, steering, leader = people["officer"], people["steering"], people["leader"]
    tree = _hamlets(commune)
    clock = Clock()
    real_now = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    CommunityGroup.objects.get_or_create(unit=commune, kind=GroupKind.PATROL, name="Tổ tuần tra nhân dân xã Cầu Khởi")
    with clock.installed():
        _buffalo(clock, commune, neighbour, leader, people["neighbour"], steering)
        for when, hamlet_index, kind, category, text, behaviour, final in HISTORY:
            rg = rng.choice(tree[hamlet_index][1])
            reporter = rng.choice(_residents(rg) or [people["resident"]])
            position = _position(spots, hamlet_index)
            report = _file(clock, rng, vn(*when), rg, reporter, kind, category, text, behaviour, **position)
            _handle(clock, officer, report, final)
        for hours, hamlet_index, kind, category, text, behaviour, final in RECENT:
            if hamlet_index == 1:
                household = people["resident"].household
                assert household is not None
                rg = household.residential_group
            else:
                rg = tree[hamlet_index][1][0]
            reporter = people["resident"] if hamlet_index == 1 else rng.choice(_residents(rg) or [people["resident"]])
            then = real_now - timedelta(hours=hours)
            position = _position(spots, hamlet_index)
            report = _file(
                clock, rng, then, rg, reporter, kind, category, text, behaviour, visibility="confidential", **position
            )
            _handle(clock, officer, report, final)
    # An alert raised now, at the real time, so it shows on the demo's group pages.
    check_raise_alert(
        officer,
        tree[1][0],
        "Công an xã: tối nay có nhóm đối tượng đi xe máy không biển số dò xét các nhà nuôi chó ở ấp Phước Lễ. "
        "Bà con khóa cổng, nhốt chó, thấy dấu hiệu khả nghi báo ngay cho công an xã.",
        hours=24,
    )
    return Report.objects.count()
