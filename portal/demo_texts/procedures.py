"""COL-PRC-002 contact procedure, COL-WI-004 promises to pay, COL-PRC-008 complaints (draft)."""

CONTACT_V1 = """
Quy trình này hướng dẫn cán bộ thu hồi nợ thực hiện một lần liên hệ khách hàng qua điện thoại,
    từ khâu chuẩn bị đến khi ghi nhận kết quả, phù hợp với Chính sách COL-POL-001.
# A. Chuẩn bị trước cuộc gọi
1. Mở hồ sơ khoản nợ trên Cổng Thu hồi nợ và kiểm tra các cờ cảnh báo.
1.1. Không gọi điện khi hồ sơ có một trong các cờ sau:
a) "Không liên hệ" (khách hàng đã yêu cầu bằng văn bản hoặc có quyết định của cơ quan có thẩm
    quyền);
b) "Đang tranh chấp" đối với chính khoản nợ được nhắc;
c) "Đã qua đời": chuyển hồ sơ cho Phòng Recovery & Legal xử lý với người thừa kế;
d) "Nghi gian lận": chuyển cho bộ phận Phòng chống gian lận, không liên hệ khách hàng.
1.2. Kiểm tra số lần nhắc nợ trong ngày trên màn hình lịch sử liên hệ; đã đủ 05 lần thì dừng.
1.3. Kiểm tra giờ địa phương của khách hàng: chỉ gọi trong khoảng từ 07:00 đến 21:00.
2. Đọc ghi chú của lần liên hệ gần nhất và cam kết trả nợ đang mở, nếu có.
# B. Thực hiện cuộc gọi
3. Chào khách hàng, nêu họ tên, đơn vị và cho biết cuộc gọi được ghi âm.
4. Xác minh đúng người nghe máy trước khi nói về khoản nợ.
4.1. Hỏi họ tên đầy đủ và ngày tháng năm sinh.
4.2. Hỏi 04 số cuối của số căn cước công dân; không đọc số đầy đủ cho khách hàng.
4.3. Nếu người nghe máy không phải là khách hàng: không nêu khoản nợ, hỏi thời điểm có thể gặp
    khách hàng và kết thúc cuộc gọi với mã WPC.
5. Thông báo số tiền quá hạn, ngày đến hạn và các kênh thanh toán (ứng dụng ngân hàng số, chuyển
    khoản, quầy giao dịch).
6. Lắng nghe lý do chậm trả và đề xuất giải pháp: thanh toán ngay, cam kết trả nợ theo COL-WI-004
    hoặc tờ khai hoàn cảnh khó khăn COL-FRM-005.
# C. Ghi nhận kết quả
7. Chọn mã kết quả trên hệ thống trong vòng 05 phút sau khi kết thúc cuộc gọi.
| Mã | Ý nghĩa | Bước tiếp theo |
| PTP | Khách hàng cam kết trả nợ | Ghi số tiền, ngày trả; hệ thống nhắc lại trước hạn 01 ngày |
| RPC | Gặp đúng khách hàng, chưa cam kết | Gọi lại sau 48 giờ |
| WPC | Người nghe không phải khách hàng | Không để lại lời nhắn; thử số khác sau 24 giờ |
| NOA | Không nghe máy | Hệ thống tự xếp lịch gọi lại trong giới hạn ngày |
| DIS | Khách hàng tranh chấp khoản nợ | Gắn cờ tranh chấp, chuyển bộ phận Khiếu nại |
| RTP | Khách hàng từ chối trả nợ | Báo trưởng nhóm trong ngày |
8. Ghi chú ngắn gọn, khách quan: nội dung khách hàng trình bày, không ghi nhận xét cá nhân.
"""

CONTACT_V2_SUMMARY = ("Xác minh danh tính bằng mã OTP thay cho 04 số cuối CCCD; mã kết quả mới "
                      "VUL cho khách hàng cần hỗ trợ đặc biệt; ghi nhận kết quả ngay khi kết "
                      "thúc cuộc gọi.")
CONTACT_V2_EDITS = [
    ("replace", "4.2.", """
4.2. Gửi mã OTP đến số điện thoại đã đăng ký và đề nghị khách hàng đọc lại; không hỏi số căn
    cước công dân qua điện thoại.
"""),
    ("replace", "7. Chọn mã kết quả", """
7. Chọn mã kết quả trên hệ thống ngay khi kết thúc cuộc gọi, trước khi gọi khách hàng tiếp theo.
"""),
    ("after", "| RTP |", """
| VUL | Khách hàng cần hỗ trợ đặc biệt (COL-POL-001 mục 10) | Tạm dừng nhắc nợ, chuyển trưởng nhóm |
"""),
]

PTP_V1 = """
Hướng dẫn này áp dụng cho cán bộ thu hồi nợ khi khách hàng hứa thanh toán một số tiền vào một
    ngày cụ thể (Promise to Pay - PTP).
# Điều kiện ghi nhận
1. Chỉ ghi nhận cam kết khi đã xác minh đúng khách hàng theo Quy trình COL-PRC-002.
2. Cam kết phải có đủ ba yếu tố: số tiền, ngày thanh toán và kênh thanh toán.
2.1. Số tiền không thấp hơn số tiền thanh toán tối thiểu của kỳ quá hạn gần nhất.
2.2. Ngày thanh toán không quá 07 ngày kể từ ngày ghi nhận đối với khoản quá hạn 1-30 ngày và
    không quá 14 ngày đối với khoản quá hạn 31-90 ngày.
2.3. Khoản quá hạn trên 90 ngày chỉ được ghi nhận cam kết khi trưởng nhóm phê duyệt.
# Các bước trên hệ thống
3. Trên màn hình khoản nợ, chọn "Ghi nhận kết quả" và chọn mã PTP.
4. Nhập các trường theo bảng sau.
| Trường | Cách nhập | Ví dụ |
| Số tiền cam kết | Số nguyên, đơn vị VND, không có dấu phân cách | 3250000 |
| Ngày thanh toán | Theo định dạng ngày/tháng/năm | 20/11/2025 |
| Kênh thanh toán | Chọn từ danh sách | Ứng dụng ngân hàng số |
| Ghi chú | Lời khách hàng, ngắn gọn, không nhận xét | Lương về ngày 19, sẽ trả ngày 20 |
5. Đọc lại số tiền và ngày cho khách hàng nghe, xác nhận khách hàng đồng ý rồi mới lưu.
6. Hệ thống gửi SMS xác nhận cam kết cho khách hàng; không gửi thêm tin nhắn thủ công.
# Theo dõi cam kết
7. Trong thời gian cam kết còn hiệu lực, không nhắc nợ khách hàng trừ tin nhắn tự động trước ngày
    thanh toán 01 ngày.
8. Sau ngày thanh toán 01 ngày làm việc, hệ thống đối chiếu số tiền đã nhận:
a) nhận đủ: cam kết chuyển trạng thái "Đã thực hiện";
b) nhận một phần: cam kết "Thực hiện một phần", cán bộ liên hệ lại trong 02 ngày làm việc;
c) không nhận được: cam kết "Vỡ hứa", hồ sơ trở lại danh sách gọi.
9. Khách hàng vỡ hứa 02 lần liên tiếp trong 60 ngày thì cán bộ không ghi nhận cam kết mới mà báo
    trưởng nhóm xem xét biện pháp tiếp theo.
"""

COMPLAINTS_V1 = """
Dự thảo quy trình tiếp nhận và giải quyết khiếu nại của khách hàng, người thân hoặc bên thứ ba
    về hành vi của cán bộ thu hồi nợ. Dự thảo đang lấy ý kiến các trưởng nhóm.
# Tiếp nhận
1. Khiếu nại được tiếp nhận qua tổng đài chăm sóc khách hàng, thư điện tử, quầy giao dịch, văn
    bản gửi Ngân hàng và phản ánh của cơ quan quản lý.
2. Người tiếp nhận tạo phiếu khiếu nại trong ngày, ghi rõ:
a) họ tên và thông tin liên hệ của người khiếu nại;
b) khoản nợ và cán bộ bị khiếu nại, nếu xác định được;
c) nội dung, thời điểm và kênh xảy ra sự việc.
3. Khi nhận khiếu nại về khoản nợ đang nhắc, hồ sơ được gắn cờ "Đang tranh chấp" và tạm dừng
    nhắc nợ phần bị khiếu nại.
# Xử lý
4. Bộ phận Kiểm soát chất lượng nghe lại ghi âm và đối chiếu lịch sử liên hệ trên hệ thống.
5. Kết luận một trong ba trường hợp: khiếu nại đúng, đúng một phần hoặc không có cơ sở.
6. Khiếu nại đúng về hành vi bị cấm tại COL-POL-001 mục 7.3 được báo Giám đốc Khối trong 24 giờ.
# Thời hạn
| Kênh tiếp nhận | Xác nhận đã nhận | Trả lời kết quả |
| Tổng đài, quầy giao dịch | Ngay khi tiếp nhận | 10 ngày làm việc |
| Thư điện tử, văn bản | 02 ngày làm việc | 15 ngày làm việc |
| Cơ quan quản lý chuyển đến | 01 ngày làm việc | Theo thời hạn cơ quan yêu cầu |
7. Kết quả được trả lời bằng văn bản hoặc thư điện tử; không thông báo kết quả cho người không có
    nghĩa vụ trả nợ khi họ không phải là người khiếu nại.
"""
