"""The seed template library: prevention bulletins on the topics of the 2019 Tây Ninh article
(traffic accidents, loan sharks and debt collection, fire and explosion, assault)."""

from bulletins.models import BulletinTemplate, Category

TEMPLATES = [
    (
        Category.TRAFFIC,
        "Phòng ngừa tai nạn giao thông dịp cuối năm",
        "<p>Thời gian gần đây trên địa bàn xã xảy ra nhiều vụ tai nạn giao thông, nguyên nhân chủ yếu là "
        "<strong>điều khiển xe sau khi uống rượu bia</strong>, chạy quá tốc độ, không đội mũ bảo hiểm và "
        "để trẻ em chưa đủ tuổi điều khiển xe mô tô.</p>"
        "<ul><li>Đã uống rượu bia thì không lái xe.</li>"
        "<li>Luôn đội mũ bảo hiểm đạt chuẩn, kể cả khi đi đoạn đường ngắn.</li>"
        "<li>Không giao xe cho người chưa đủ tuổi hoặc chưa có giấy phép lái xe.</li>"
        "<li>Giảm tốc độ khi qua trường học, chợ và các ngã ba, ngã tư trên đường ĐT 781.</li></ul>"
        "<p>Khi xảy ra tai nạn, hãy gọi <strong>115</strong> (cấp cứu) và báo ngay cho Công an xã.</p>",
    ),
    (
        Category.USURY,
        "Cảnh giác với tín dụng đen và đòi nợ thuê",
        "<p>Các đối tượng cho vay nặng lãi thường <strong>dán tờ rơi</strong> dọc đường, cột điện, nhắn tin "
        "mời vay “không cần thế chấp, nhận tiền trong ngày”, nhưng lãi suất lên tới hàng trăm phần trăm mỗi năm. "
        "Khi người vay không trả được, chúng dùng thủ đoạn đe dọa, tạt sơn, chất bẩn vào nhà để đòi nợ.</p>"
        "<ul><li>Không vay tiền qua tờ rơi, mạng xã hội hoặc ứng dụng không rõ nguồn gốc.</li>"
        "<li>Khi cần vốn, hãy liên hệ ngân hàng, quỹ tín dụng nhân dân hoặc Hội Nông dân, Hội Phụ nữ xã.</li>"
        "<li>Thấy tờ rơi cho vay, hãy chụp ảnh và báo cho Công an xã qua Cảnh Giác.</li></ul>",
    ),
    (
        Category.FIRE,
        "Phòng cháy, chữa cháy và phòng nổ trong mùa khô",
        "<p>Mùa khô là thời điểm nguy cơ cháy nổ tăng cao, nhất là ở nhà ở kết hợp kinh doanh, "
        "kho chứa nông sản và khu vực đốt đồng.</p>"
        "<ul><li>Không để xăng dầu, bình gas gần bếp lửa; khóa van bình gas sau khi nấu.</li>"
        "<li>Không sạc xe điện qua đêm trong nhà; kiểm tra, thay dây điện cũ.</li>"
        "<li>Không đốt rơm rạ, thực bì khi trời có gió lớn.</li>"
        "<li>Trang bị bình chữa cháy và biết cách sử dụng.</li></ul>"
        "<p>Khi có cháy, hãy gọi ngay <strong>114</strong> và báo cho tổ trưởng, Công an xã.</p>",
    ),
    (
        Category.ASSAULT,
        "Phòng ngừa cố ý gây thương tích từ mâu thuẫn nhỏ",
        "<p>Nhiều vụ đánh nhau, cố ý gây thương tích, thậm chí giết người xuất phát từ "
        "<strong>mâu thuẫn nhỏ trong sinh hoạt, khi uống rượu bia</strong>.</p>"
        "<ul><li>Bình tĩnh, nhường nhịn; nhờ tổ hòa giải ở cơ sở khi có mâu thuẫn.</li>"
        "<li>Không mang theo hung khí; không tụ tập uống rượu khuya gây mất trật tự.</li>"
        "<li>Thấy người tụ tập khả nghi vào ban đêm, hãy báo cho Công an xã.</li></ul>",
    ),
]


def seed_templates() -> int:
    created = 0
    for category, title, body in TEMPLATES:
        _template, was_created = BulletinTemplate.objects.get_or_create(
            title=title, unit=None, defaults={"category": category, "body_html": body}
        )
        created += was_created
    return created
