-- report_dosing_trend: one row per titration, individualised or as-needed phrase per week, for
-- the 8 weeks ending with the week starting $1 (the phrases' sparklines).
SELECT kind, phrase, week_start, documents
FROM weekly_dosing_language
WHERE week_start > $1 - INTERVAL 8 WEEK AND week_start <= $1
  AND kind IN ('titration', 'individualised', 'as_needed')
ORDER BY kind, phrase, week_start
