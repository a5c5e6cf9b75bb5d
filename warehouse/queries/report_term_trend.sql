-- report_term_trend: one row per term group of $2 (those the report shows) per week with
-- documents using it, for the 8 weeks ending with the week starting $1.
SELECT t.group_key, w.week_start, count(DISTINCT t.doc_id) AS documents
FROM v_terms t
JOIN v_weekly_sightings w USING (doc_id)
WHERE NOT t.supported AND t.group_key IN (SELECT unnest($2::VARCHAR[]))
  AND w.week_start > $1 - INTERVAL 8 WEEK AND w.week_start <= $1
GROUP BY t.group_key, w.week_start
ORDER BY t.group_key, w.week_start
