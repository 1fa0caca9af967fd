"""The demo commune, modelled on the 2019 Báo Tây Ninh article (BRIEF.md, shared/seeds/).

Phước Ninh commune (Dương Minh Châu district) was merged into Cầu Khởi commune in July 2025;
Suối Đá, home of the buffalo's owner, into Dương Minh Châu commune. The demo seeds the model in
Cầu Khởi with the article's figures, and a smaller rollout in its neighbour.
"""

PROVINCE_CODE = "80"  # Tây Ninh
COMMUNE_CODE = "25573"  # Xã Cầu Khởi (former Phước Ninh)
NEIGHBOUR_CODE = "25552"  # Xã Dương Minh Châu (former Suối Đá)

# Where each hamlet of Cầu Khởi lies, roughly (the national register has no coordinates): the
# maps write the hamlets' names there, and reports are pinned near them; one in six is filed
# without a position.
HAMLET_POSITIONS = [
    (11.2640, 106.2380),  # Phước Hội, along ĐT 781
    (11.2555, 106.2520),  # Phước Lễ
    (11.2470, 106.2300),  # Phước Long, by canal N16
    (11.2745, 106.2610),  # Phước Bình
    (11.2360, 106.2690),  # Phước Tân, along ĐT 784
    (11.2830, 106.2250),  # Phước An
]
# The communes and wards the demo fills, roughly at their centres, for the province map's labels.
UNIT_POSITIONS = {
    "25573": (11.2600, 106.2470),  # Xã Cầu Khởi
    "25552": (11.3710, 106.2060),  # Xã Dương Minh Châu
    "25645": (11.2830, 106.1300),  # Phường Hòa Thành
    "25516": (11.5450, 106.1650),  # Xã Tân Châu
    "25654": (11.0850, 106.2600),  # Phường Gò Dầu
    "25486": (11.5400, 105.9650),  # Xã Tân Biên
    "25708": (11.0300, 106.3600),  # Phường Trảng Bàng
    "25585": (11.3150, 106.0300),  # Xã Châu Thành
    "25459": (11.3100, 106.0980),  # Phường Tân Ninh
    "25480": (11.3350, 106.1250),  # Phường Bình Minh
    "25567": (11.3600, 106.1500),  # Phường Ninh Thạnh
    "25630": (11.2700, 106.1550),  # Phường Long Hoa
    "25633": (11.2450, 106.1100),  # Phường Thanh Điền
}
HAMLETS = ["Phước Hội", "Phước Lễ", "Phước Long", "Phước Bình", "Phước Tân", "Phước An"]
RESIDENTIAL_GROUPS_PER_HAMLET = 10  # 6 × 10 = the article's 60 residential groups
NEIGHBOUR_HAMLETS = ["Phước Lợi", "Suối Đá"]
NEIGHBOUR_GROUPS_PER_HAMLET = 4

# Personas printed by `make demo`; all numbers are reserved demo numbers of one carrier block.
PERSONAS = {
    "resident": ("0901000001", "Nguyễn Văn Thanh", "Resident, Tổ 1 ấp Phước Lễ"),
    "relay": ("0901000002", "Trần Thị Mai", "Relay: reads bulletins out to her grandmother"),
    "leader": ("0901000003", "Lê Hoàng Tâm", "Group leader (tổ trưởng), Tổ 1 ấp Phước Hội"),
    "officer": ("0901000004", "Đỗ Tuấn Kiệt", "Commune police chief, Cầu Khởi"),
    "province": ("0901000005", "Phạm Minh Đức", "Provincial officer, Phòng Xây dựng phong trào BVANTQ"),
    "steering": ("0901000006", "Võ Thị Hồng", "Steering committee (Ban điều hành), Cầu Khởi"),
    "neighbour": ("0901000007", "Lê Hoàng An", "Resident of ấp Phước Lợi, Dương Minh Châu"),
    "duty": ("0901000009", "Huỳnh Văn Phúc", "Commune police officer on duty, Cầu Khởi (Telegram and Zalo linked)"),
}
OFFICER_PASSWORD = "canhgiac-demo-2019"
# A fixed authenticator key for demo officers, so `manage.py demo_totp` can print their current code.
OFFICER_TOTP_KEY = "3132333435363738393031323334353637383930"

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Hồ",
    "Dương",
    "Lý",
]
MIDDLE_NAMES_MALE = ["Văn", "Minh", "Hoàng", "Quốc", "Thành", "Đức", "Hữu", "Công"]
MIDDLE_NAMES_FEMALE = ["Thị", "Ngọc", "Thanh", "Kim", "Mỹ", "Thu", "Bích", "Hồng"]
GIVEN_NAMES_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khang",
    "Long",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Trung",
    "Vinh",
]
GIVEN_NAMES_FEMALE = [
    "Anh",
    "Châu",
    "Diễm",
    "Hà",
    "Hạnh",
    "Hoa",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Tuyết",
    "Yến",
]
ROADS = ["đường ĐT 781", "đường ĐT 784", "đường Phước Ninh", "hẻm 3", "hẻm 7", "đường Cầu Khởi", "đường liên ấp"]

# Thematic groups from the article: a Cao Đài congregation and two workers' groups.
THEMATIC_GROUPS = [
    ("congregation", "Họ đạo Cao Đài Phước Ninh", 40),
    ("workforce", "Công nhân Công ty CP Công trình đô thị — khu vực Dương Minh Châu", 30),
    ("workforce", "Công nhân khu công nghiệp Phước Đông — ca ngày", 25),
]
