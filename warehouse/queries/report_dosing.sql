-- report_dosing: one row per dosing kind and phrase in the week starting $1, with last week's count.
SELECT
    w.kind, w.phrase, w.mentions, w.documents, w.domains, w.substances, w.example_text,
    w.example_url, coalesce(p.documents, 0) AS documents_last_week
FROM weekly_dosing_language w
LEFT JOIN weekly_dosing_language p
    ON p.kind = w.kind AND p.phrase = w.phrase AND p.week_start = $1 - INTERVAL 1 WEEK
WHERE w.week_start = $1
ORDER BY w.kind IN ('amount', 'maximum', 'taper', 'form'), w.documents DESC, w.mentions DESC, w.phrase
