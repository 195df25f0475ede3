"""COL-POL-007 restructuring policy (English) and COL-POL-006 field visits (retired)."""

RESTRUCTURING_V1 = """
Approved by the Risk Committee on 20 February 2025. This policy sets out when and how the Bank
    eases the repayment terms of individual customers in genuine financial difficulty, so that
    they can keep paying instead of defaulting.
# I. Purpose and scope
1. Scope
1.1. This policy applies to unsecured consumer loans, credit cards, auto loans and mortgages of
    individual customers serviced by the Collections Division.
1.2. Restructuring is a credit decision: it follows the Law on Credit Institutions 2024 and the
    State Bank of Vietnam's rules on debt classification and provisioning (Circular
    31/2024/TT-NHNN).
2. Definitions
a) "Restructuring" means changing the repayment schedule of a debt: deferring principal,
    extending the term or lowering instalments.
b) "Settlement" means closing a debt with a one-off payment, with penalty interest or part of
    the overdue interest waived.
c) "Hardship declaration" means form COL-FRM-005 signed by the customer.
# II. Eligibility
3. Who may be offered relief
3.1. The customer has declared hardship on form COL-FRM-005 and provided evidence of the cause:
    a termination letter, medical records, a death certificate or a local authority notice.
3.2. The customer can pay at least the reduced instalment, shown by the income and expense table
    of the declaration.
3.3. The debt has not been restructured in the last 12 months.
# III. Options and limits
4. The options below may be combined only with the approval of the Credit Committee.
| Option | Who qualifies | Maximum relief | Approver |
| Principal payment holiday | Up to 30 days past due, temporary loss of income | 3 months |
    Team lead |
| Term extension | Up to 90 days past due, lasting lower income | 12 months | Risk officer |
| Lower instalments | Up to 90 days past due | 50% of the instalment for 6 months |
    Risk officer |
| Discounted settlement | Over 180 days past due | Penalty interest waived in full | Credit
    Committee |
5. Interest keeps accruing at the contract rate during a payment holiday; only penalty interest
    may be waived.
# IV. Approval and monitoring
6. Approval
6.1. The collector prepares the case with the declaration and evidence; the approver named in
    the table decides within 5 working days.
6.2. Customers with a fraud flag, or with an open dispute on the same debt, are not eligible
    until the case is closed.
6.3. The maker of a case never approves it.
7. Monitoring
7.1. A restructured debt is classified under Circular 31/2024/TT-NHNN and reported to CIC as
    restructured.
7.2. If the customer misses two instalments of the new schedule, the relief ends and collection
    resumes on the original terms.
"""

RESTRUCTURING_V2_SUMMARY = ("Eligibility exclusions moved to section 2; term extension up to 24 "
                            "months; lower instalments for up to 12 months; settlement may waive "
                            "up to 30% of overdue interest.")
RESTRUCTURING_V2_EDITS = [
    ("replace", "Approved by the Risk Committee", """
Approved by the Risk Committee on 14 April 2026. This policy sets out when and how the Bank
    eases the repayment terms of individual customers in genuine financial difficulty, so that
    they can keep paying instead of defaulting.
"""),
    ("move", "6.2. Customers with a fraud flag", "3.3."),
    ("replace", "| Term extension |", """
| Term extension | Up to 90 days past due, lasting lower income | 24 months, within the
    product's maximum term | Risk officer |
"""),
    ("replace", "| Lower instalments |", """
| Lower instalments | Up to 90 days past due | 50% of the instalment for 12 months |
    Risk officer |
"""),
    ("replace", "| Discounted settlement |", """
| Discounted settlement | Over 180 days past due | Penalty interest in full and up to 30% of
    overdue interest | Credit Committee |
"""),
    ("after", "7.2.", """
7.3. Risk officers report the number of restructured debts, their balance and the share that
    defaulted again to the Risk Committee every quarter.
"""),
]

RESTRUCTURING_V3_SUMMARY = ("Proposal: term extension up to 36 months for mortgages. Withdrawn: "
                            "the Risk Committee kept the 24-month limit.")
RESTRUCTURING_V3_EDITS = [
    ("replace", "| Term extension |", """
| Term extension | Up to 90 days past due, lasting lower income | 36 months for mortgages,
    24 months for other loans | Risk officer |
"""),
]

FIELD_V1 = """
Ban hành kèm theo Quyết định số 031/2023/QĐ-TGĐ ngày 20/03/2023 của Tổng Giám đốc.
# Chương I. Quy định chung
1. Chính sách này quy định việc cán bộ thu hồi nợ làm việc trực tiếp với khách hàng cá nhân tại
    nơi cư trú hoặc nơi làm việc của khách hàng.
2. Làm việc trực tiếp là biện pháp sau cùng, chỉ áp dụng khi các biện pháp liên hệ từ xa không
    có kết quả.
# Chương II. Điều kiện và thủ tục
3. Điều kiện thực hiện
3.1. Khoản nợ quá hạn trên 90 ngày và khách hàng không phản hồi ít nhất 30 ngày.
3.2. Có kế hoạch làm việc được trưởng nhóm phê duyệt trước ít nhất 01 ngày làm việc.
4. Thực hiện buổi làm việc
4.1. Cán bộ mang giấy giới thiệu, thẻ nhân viên và thông báo nợ quá hạn đã in.
4.2. Thời gian làm việc từ 08:00 đến 20:00 các ngày trong tuần.
4.3. Kết thúc buổi làm việc, cán bộ lập biên bản có chữ ký của khách hàng, nếu khách hàng đồng ý.
# Chương III. Những việc không được làm
5. Nghiêm cấm:
a) đe dọa, gây áp lực hoặc có lời lẽ xúc phạm khách hàng và người thân;
b) tự ý thu giữ tài sản, giấy tờ của khách hàng;
c) nhận tiền mặt ngoài biên lai của Ngân hàng.
# Chương IV. Báo cáo
6. Kết quả làm việc được cập nhật lên hệ thống trong ngày, kèm ảnh chụp biên bản.
| Kết quả | Mã | Xử lý tiếp theo |
| Gặp khách hàng, có cam kết | FV-PTP | Theo dõi cam kết trên hệ thống |
| Gặp khách hàng, không cam kết | FV-RPC | Trưởng nhóm xem xét biện pháp pháp lý |
| Không gặp khách hàng | FV-NOC | Lập lịch làm việc lại sau 07 ngày |
"""

FIELD_V2_SUMMARY = ("Bắt buộc hai cán bộ cho mỗi buổi làm việc; giờ làm việc 08:00-18:00 ngày "
                    "làm việc; cấm trao đổi về khoản nợ trước người khác.")
FIELD_V2_EDITS = [
    ("replace", "Ban hành kèm theo", """
Ban hành kèm theo Quyết định số 077/2024/QĐ-TGĐ ngày 15/07/2024 của Tổng Giám đốc, thay thế bản
    ban hành kèm Quyết định số 031/2023/QĐ-TGĐ.
"""),
    ("replace", "4.2.", """
4.2. Mỗi buổi làm việc do hai cán bộ thực hiện, từ 08:00 đến 18:00 các ngày làm việc.
"""),
    ("after", "b) tự ý thu giữ", """
c) trao đổi về khoản nợ trước mặt đồng nghiệp, hàng xóm hoặc người thân của khách hàng;
"""),
    ("replace", "c) nhận tiền mặt", """
d) nhận tiền mặt ngoài biên lai của Ngân hàng.
"""),
]
