-- select_report_deliveries: each recipient's delivery state for one week ($1 = its Monday).
SELECT recipient, status, attempts, sends FROM report_deliveries WHERE week_start = ?;
