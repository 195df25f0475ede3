"""COL-SCN-003 early-delinquency scenario (English) and COL-FRM-005 hardship declaration."""

EARLY_V1 = """
This scenario guides collectors of the Early Bucket teams through the first 30 days past due. Most
    customers at this stage have forgotten a due date or are waiting for their salary: the aim
    is a payment or a dated promise, with the relationship intact.
# I. Contact plan by days past due
1. Follow the contact plan below. Every contact counts towards the limit of 5 reminders a day
    across all channels and is made between 07:00 and 21:00 (COL-POL-001).
| Days past due | Action | Channel |
| 1 | Friendly reminder of the amount and the ways to pay | SMS and app notification |
| 3 | First call; offer to pay today | Outbound call |
| 7 | Second call; record a promise to pay if the customer cannot pay now | Outbound call |
| 15 | Call and reminder e-mail stating late charges under the contract | Call, e-mail |
| 25 | Last call in the bucket; check for hardship | Outbound call |
| 30 | Hand over to the Mid Bucket team with a summary note | Portal reassignment |
# II. Opening the call
2. Greet the customer, give your name and the Bank's name, and say the call is recorded.
3. Verify identity as set out in COL-PRC-002 before mentioning the debt.
3.1. If someone else answers, ask when the customer can be reached and end the call politely.
3.2. Never tell a third party that the call is about a debt, even a spouse or a parent.
# III. What to say
4. Use the script table. Speak Vietnamese unless the customer prefers English; the Vietnamese
    lines are the approved wording.
| Situation | What to say | What not to say |
| Customer forgot the due date | "Our records show the payment of 3,250,000 VND due on the 15th
    has not arrived yet. Could you pay it today in the app?" / "Theo hệ thống, khoản thanh toán
    đến hạn ngày 15 chưa được ghi nhận. Anh/chị có thể thanh toán hôm nay qua ứng dụng không
    ạ?" | "You are late again." / "Anh/chị lại trễ hạn rồi." |
| Salary is late | "I understand. When do you expect it? Shall I note a payment of the full amount
    on that date?" | "That is not our problem." |
| Lost job or income fell | "I am sorry to hear that. There are options that may help; I can
    send you the hardship declaration (COL-FRM-005) today." | "Borrow from your family." /
    "Vay người nhà mà trả." |
| Disputes a transaction | "I will register your dispute now. We will not ask you to pay the
    disputed amount until we reply." | "Pay first and complain later." |
| Asks us to stop calling | "I will note your preferred time and channel. We still need to
    agree how the overdue amount will be paid." | "We can call you as often as we like." |
| Becomes abusive | "I want to help you, but I will end the call if we cannot speak calmly."
    | Answering in kind, or threatening legal action to stop the abuse. |
| Is distressed or mentions illness | Pause the reminder, offer to call back, inform your team
    lead (COL-POL-001). | Any pressure to pay during the call. |
# IV. Closing and recording
5. Repeat any promise (amount, date, channel) and record it as set out in COL-WI-004.
6. Thank the customer and close the call; record the result code before the next call.
7. Team leads review five recorded calls per collector each month against this scenario.
"""

EARLY_V2_SUMMARY = ("Day 3 call moved to day 2 for customers with a broken promise; wording for "
                    "customers who ask us to stop calling agreed with Compliance.")
EARLY_V2_EDITS = [
    ("replace", "| 3 |", """
| 3 | First call; offer to pay today (day 2 if the customer broke a promise last month) |
    Outbound call |
"""),
    ("replace", "| Asks us to stop calling |", """
| Asks us to stop calling | "I will note your preferred time and channel, and we will contact you
    only then. Can we agree today how the overdue amount will be paid?" | "We can call you as
    often as we like." / "Ngân hàng có quyền gọi bao nhiêu lần cũng được." |
"""),
]

HARDSHIP_V1 = """
# TỜ KHAI HOÀN CẢNH KHÓ KHĂN TÀI CHÍNH / FINANCIAL HARDSHIP DECLARATION
Khách hàng điền tờ khai này khi đề nghị Ngân hàng xem xét giải pháp hỗ trợ trả nợ. Thông tin
    được sử dụng để đánh giá theo Chính sách COL-POL-007 và được bảo mật. / Customers complete
    this form to ask the Bank to consider repayment relief under policy COL-POL-007. The
    information is kept confidential.
## Phần A. Thông tin khách hàng / Customer details
| Mục / Item | Nội dung / Details |
| Họ và tên / Full name | |
| Số CCCD / Citizen ID number | |
| Số hợp đồng hoặc số thẻ / Contract or card number | |
| Số điện thoại liên hệ / Contact phone | |
| Địa chỉ hiện tại / Current address | |
## Phần B. Nguyên nhân khó khăn / Cause of hardship
Đánh dấu các trường hợp phù hợp / Tick all that apply:
- Mất việc làm hoặc giảm thu nhập / Job loss or reduced income
- Bệnh tật, tai nạn của bản thân hoặc người thân / Illness or accident in the family
- Người thân qua đời / Bereavement
- Thiên tai, dịch bệnh / Natural disaster or epidemic
- Kinh doanh thua lỗ / Business losses
- Khác (ghi rõ) / Other (please specify)
## Phần C. Thu nhập và chi tiêu hằng tháng / Monthly income and expenses
| Khoản mục / Item | Trước khó khăn / Before (VND) | Hiện tại / Now (VND) |
| Thu nhập từ lương / Salary income | | |
| Thu nhập khác / Other income | | |
| Chi phí sinh hoạt / Living costs | | |
| Trả nợ tổ chức khác / Repayments to other lenders | | |
| Số tiền có thể trả Ngân hàng / Amount available for the Bank | | |
## Phần D. Đề nghị của khách hàng / Customer request
Khách hàng đề nghị (đánh dấu một) / The customer requests (tick one):
- Tạm hoãn trả gốc / Principal payment holiday
- Gia hạn thời hạn vay / Extension of the loan term
- Giảm số tiền trả hằng kỳ / Lower instalments
- Tất toán có ưu đãi / Discounted settlement
## Phần E. Cam đoan / Declaration
Tôi cam đoan các thông tin trên là đúng sự thật và đồng ý cung cấp giấy tờ chứng minh khi
    Ngân hàng yêu cầu. / I declare that the information above is true and agree to provide
    supporting documents on request.
Tôi hiểu rằng tờ khai này không làm thay đổi nghĩa vụ trả nợ cho đến khi Ngân hàng có văn
    bản chấp thuận. / I understand that this declaration does not change my repayment
    obligations until the Bank agrees in writing.
| Ngày / Date | Chữ ký khách hàng / Customer signature | Cán bộ tiếp nhận / Received by |
| | | |
"""
