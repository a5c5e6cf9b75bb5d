-- report_term_trend: one row per unsupported term group per week, for the 8 weeks ending $1.
SELECT group_key, week_start, documents
FROM weekly_term_counts
WHERE week_start > $1 - INTERVAL 8 WEEK AND week_start <= $1
ORDER BY group_key, week_start
