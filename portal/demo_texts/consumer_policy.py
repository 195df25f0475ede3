"""COL-POL-001 Chính sách thu hồi nợ khách hàng cá nhân: three versions in force and a draft."""

V1 = """
Ban hành kèm theo Quyết định số 046/2024/QĐ-TGĐ ngày 15/02/2024 của Tổng Giám đốc. Chính sách
    có hiệu lực từ ngày 01/03/2024.
# Chương I. Quy định chung
1. Phạm vi điều chỉnh và đối tượng áp dụng
1.1. Chính sách này quy định nguyên tắc, chuẩn mực hành xử và giới hạn mà Khối Thu hồi nợ phải
    tuân thủ khi đôn đốc, nhắc nợ và thu hồi các khoản nợ quá hạn của khách hàng cá nhân: thẻ tín
    dụng, vay tiêu dùng tín chấp, vay mua ô tô và vay mua nhà có tài sản bảo đảm.
1.2. Chính sách áp dụng cho cán bộ thu hồi nợ, trưởng nhóm, cán bộ kiểm soát chất lượng và mọi
    đơn vị được Ngân hàng giao nhiệm vụ liên hệ khách hàng có khoản nợ quá hạn.
2. Giải thích từ ngữ
a) "Khách hàng" là người vay, chủ thẻ chính hoặc người có nghĩa vụ trả nợ theo hợp đồng tín dụng
    đã ký với Ngân hàng.
b) "Nhắc nợ" là mỗi lần Ngân hàng chủ động liên hệ khách hàng về khoản nợ đến hạn hoặc quá hạn
    qua điện thoại, tin nhắn SMS hoặc thư điện tử.
c) "Số ngày quá hạn (DPD)" là số ngày kể từ ngày đến hạn đầu tiên chưa được thanh toán đầy đủ.
d) "Cam kết trả nợ (PTP)" là lời hứa thanh toán của khách hàng với số tiền và ngày cụ thể, được
    ghi nhận trên hệ thống thu hồi nợ.
3. Nguyên tắc chung
3.1. Hoạt động thu hồi nợ phải tuân thủ pháp luật, hợp đồng đã ký và các chuẩn mực tại Thông tư
    43/2016/TT-NHNN được sửa đổi, bổ sung bởi Thông tư 18/2019/TT-NHNN.
3.2. Tôn trọng danh dự, nhân phẩm và đời sống riêng tư của khách hàng; không sử dụng biện pháp đe
    dọa, xúc phạm hoặc gây áp lực tâm lý.
3.3. Ngân hàng không thuê tổ chức, cá nhân làm dịch vụ đòi nợ: đây là ngành nghề cấm đầu tư kinh
    doanh theo Luật Đầu tư năm 2020.
# Chương II. Liên hệ và nhắc nợ
4. Thời gian liên hệ
4.1. Chỉ liên hệ khách hàng trong khoảng thời gian từ 07:00 đến 21:00 theo giờ Việt Nam, kể cả
    ngày nghỉ cuối tuần.
4.2. Không nhắc nợ từ ngày 30 tháng Chạp đến hết ngày mùng 3 tháng Giêng âm lịch, trừ khi khách
    hàng chủ động đề nghị.
5. Tần suất nhắc nợ
5.1. Trên mỗi kênh liên hệ (gọi điện, SMS, thư điện tử), không nhắc nợ một khách hàng quá 05 lần
    trong một ngày.
5.2. Cuộc gọi khách hàng không nghe máy vẫn được tính là một lần nhắc nợ.
6. Người được liên hệ
6.1. Cán bộ thu hồi nợ chỉ trao đổi về khoản nợ với chính khách hàng hoặc người đại diện theo ủy
    quyền có văn bản.
6.2. Khi không liên lạc được với khách hàng, cán bộ được nhờ người tham chiếu mà khách hàng đã kê
    khai trong hồ sơ vay nhắn khách hàng gọi lại, nhưng không được nêu số tiền nợ.
7. Nội dung trao đổi
7.1. Đầu cuộc gọi, cán bộ nêu họ tên, đơn vị công tác và mục đích cuộc gọi.
7.2. Thông báo chính xác số tiền quá hạn, ngày đến hạn và hậu quả theo hợp đồng: lãi chậm trả,
    phí phạt, chuyển nhóm nợ và báo cáo thông tin tín dụng cho CIC.
7.3. Nghiêm cấm các hành vi sau:
a) đe dọa, lăng mạ, dùng ngôn từ thô tục hoặc xúc phạm danh dự, nhân phẩm của khách hàng;
b) mạo danh cơ quan công an, tòa án, viện kiểm sát hoặc cơ quan nhà nước khác;
c) thông báo sai sự thật về hậu quả pháp lý, chẳng hạn "sẽ bị bắt" hoặc "sẽ bị khởi tố";
d) đăng tải thông tin về khoản nợ lên mạng xã hội hoặc tại nơi công cộng.
# Chương III. Biện pháp theo nhóm quá hạn
8. Biện pháp thu hồi được áp dụng theo số ngày quá hạn như bảng dưới đây.
| Số ngày quá hạn | Biện pháp chính | Đơn vị thực hiện |
| 1-30 | SMS nhắc nợ, gọi điện nhắc nợ | Nhóm Early Bucket |
| 31-90 | Gọi điện, thư nhắc nợ, đề xuất cam kết trả nợ | Nhóm Mid Bucket |
| 91-360 | Thư thông báo nợ quá hạn, làm việc trực tiếp theo COL-POL-006 | Nhóm Late Bucket |
| Trên 360 | Xử lý tài sản bảo đảm, khởi kiện | Phòng Recovery & Legal |
# Chương IV. Ghi âm, bảo mật và giám sát
9. Ghi âm và kiểm soát chất lượng
9.1. Mọi cuộc gọi nhắc nợ từ tổng đài được ghi âm và lưu trữ tối thiểu 12 tháng.
9.2. Trưởng nhóm nghe lại ngẫu nhiên tối thiểu 05 cuộc gọi của mỗi cán bộ trong một tháng và ghi
    kết quả vào phiếu đánh giá.
10. Bảo mật thông tin
10.1. Thông tin khoản nợ chỉ được sử dụng cho mục đích thu hồi nợ, không cung cấp cho bên thứ ba,
    trừ khi cơ quan nhà nước có thẩm quyền yêu cầu theo quy định của pháp luật.
11. Xử lý vi phạm
11.1. Cán bộ vi phạm mục 7.3 bị xử lý kỷ luật theo Nội quy lao động và tạm dừng nhiệm vụ liên
    hệ khách hàng cho đến khi hoàn thành đào tạo lại.
# Chương V. Điều khoản thi hành
12. Khối Quản lý Tuân thủ rà soát Chính sách này tối thiểu 12 tháng một lần hoặc ngay khi quy định
    pháp luật liên quan thay đổi.
"""

# Edits: (operation, the start of a block in the previous version, new source); see
# portal.demo_documents.revise.
V2_SUMMARY = ("Giới hạn 05 lần nhắc nợ/ngày tính gộp trên mọi kênh; cấm nhắc nợ người không có "
              "nghĩa vụ trả nợ, kể cả người tham chiếu; bổ sung kênh Zalo OA; lưu ghi âm 24 tháng.")
V2_EDITS = [
    ("replace", "Ban hành kèm theo", """
Ban hành kèm theo Quyết định số 012/2025/QĐ-TGĐ ngày 02/01/2025 của Tổng Giám đốc. Chính sách
    có hiệu lực từ ngày 15/01/2025, thay thế bản ban hành kèm Quyết định số 046/2024/QĐ-TGĐ.
"""),
    ("replace", "b) \"Nhắc nợ\"", """
b) "Nhắc nợ" là mỗi lần Ngân hàng chủ động liên hệ khách hàng về khoản nợ đến hạn hoặc quá hạn
    qua điện thoại, tin nhắn SMS, thư điện tử hoặc ứng dụng nhắn tin (Zalo OA).
"""),
    ("after", "d) \"Cam kết trả nợ (PTP)\"", """
e) "Người không có nghĩa vụ trả nợ" là người thân, đồng nghiệp, hàng xóm, người tham chiếu và
    mọi tổ chức, cá nhân khác không phải là khách hàng, người bảo lãnh hoặc người thừa kế nghĩa
    vụ trả nợ theo quy định của pháp luật.
"""),
    ("replace", "5.1.", """
5.1. Tổng số lần nhắc nợ một khách hàng không quá 05 lần trong một ngày, tính gộp trên mọi kênh
    liên hệ.
"""),
    ("after", "5.2.", """
5.3. Hệ thống quay số tự động chặn lần nhắc nợ thứ sáu trong ngày; cán bộ không dùng điện thoại
    cá nhân hoặc tài khoản nhắn tin cá nhân để liên hệ khách hàng.
"""),
    ("replace", "6.2.", """
6.2. Không nhắc nợ, đòi nợ hoặc gửi thông tin về việc thu hồi nợ cho người không có nghĩa vụ trả
    nợ, kể cả người tham chiếu đã được kê khai, trừ khi cơ quan nhà nước có thẩm quyền yêu cầu.
6.3. Khi người khác nghe máy, cán bộ chỉ hỏi thời điểm có thể gặp khách hàng, không nêu tên
    Ngân hàng gắn với khoản nợ và không để lại lời nhắn về khoản nợ.
"""),
    ("replace", "| 31-90 |", """
| 31-90 | Gọi điện, Zalo OA, thư nhắc nợ, đề xuất cam kết trả nợ | Nhóm Mid Bucket |
"""),
    ("replace", "9.1.", """
9.1. Mọi cuộc gọi nhắc nợ, kể cả cuộc gọi từ điện thoại di động công vụ, được ghi âm và lưu
    trữ tối thiểu 24 tháng.
"""),
]

V3_SUMMARY = ("Bảo vệ dữ liệu cá nhân; bổ sung khách hàng cần hỗ trợ đặc biệt; hợp nhất quy định "
              "làm việc trực tiếp (thay thế COL-POL-006); ưu tiên cơ cấu lại thời hạn trả nợ theo "
              "COL-POL-007.")
V3_EDITS = [
    ("replace", "Ban hành kèm theo", """
Ban hành kèm theo Quyết định số 089/2026/QĐ-TGĐ ngày 10/06/2026 của Tổng Giám đốc. Chính sách
    có hiệu lực từ ngày 01/07/2026, thay thế bản ban hành kèm Quyết định số 012/2025/QĐ-TGĐ.
"""),
    ("after", "3.3.", """
3.4. Ưu tiên giải pháp phù hợp với khả năng trả nợ thực tế của khách hàng, kể cả cơ cấu lại
    thời hạn trả nợ theo Chính sách COL-POL-007.
"""),
    ("replace", "# Chương III.", """
# Chương III. Biện pháp thu hồi và khách hàng cần hỗ trợ đặc biệt
"""),
    ("replace", "| 91-360 |", """
| 91-360 | Thư thông báo nợ quá hạn, làm việc trực tiếp theo mục 9 | Nhóm Late Bucket |
"""),
    ("before", "# Chương IV.", """
9. Làm việc trực tiếp tại nơi cư trú hoặc nơi làm việc
9.1. Chỉ thực hiện khi khoản nợ quá hạn trên 90 ngày, khách hàng không phản hồi ít nhất 14 ngày
    và trưởng nhóm đã phê duyệt trên hệ thống.
9.2. Buổi làm việc do hai cán bộ thực hiện, trong khoảng từ 08:00 đến 18:00; cán bộ đeo thẻ nhân
    viên và xuất trình giấy giới thiệu của Ngân hàng.
9.3. Không trao đổi về khoản nợ trước mặt đồng nghiệp, hàng xóm hoặc người thân của khách hàng;
    không dán thông báo, không chụp ảnh nhà ở hoặc tài sản.
10. Khách hàng cần hỗ trợ đặc biệt
10.1. Tạm dừng nhắc nợ tối đa 30 ngày và chuyển hồ sơ cho trưởng nhóm khi khách hàng cho biết
    một trong các hoàn cảnh sau:
a) đang điều trị bệnh hiểm nghèo hoặc nằm viện dài ngày;
b) người thân trong gia đình vừa qua đời;
c) bị ảnh hưởng bởi thiên tai, dịch bệnh tại địa bàn theo công bố của cơ quan có thẩm quyền.
10.2. Cán bộ đề nghị khách hàng điền Tờ khai hoàn cảnh khó khăn tài chính (COL-FRM-005) và ghi
    nhận cờ hỗ trợ đặc biệt trên hồ sơ.
"""),
    ("after", "10.1. Thông tin khoản nợ", """
10.2. Dữ liệu cá nhân của khách hàng được xử lý theo pháp luật về bảo vệ dữ liệu cá nhân; cán bộ
    không sao chép danh sách khách hàng ra thiết bị cá nhân và không chụp màn hình hệ thống.
"""),
]

V4_SUMMARY = ("Dự thảo: tối đa 01 lần nhắc nợ/ngày khi khách hàng có cam kết trả nợ còn hiệu lực; "
              "quy định cuộc gọi tự động (voicebot).")
V4_EDITS = [
    ("after", "5.3.", """
5.4. Khi khách hàng có cam kết trả nợ còn hiệu lực, chỉ nhắc nợ tối đa 01 lần trong một ngày cho
    đến ngày cam kết.
5.5. Cuộc gọi tự động (voicebot) thông báo ngay từ đầu rằng đây là cuộc gọi tự động, được tính
    vào giới hạn tại mục 5.1 và cho phép khách hàng chuyển sang gặp cán bộ.
"""),
]
