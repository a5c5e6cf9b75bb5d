-- report_claims_matrix: one row per substance × condition among claims seen in the week $1.
SELECT
    c.substance, c.condition, count(*) AS claims, count(DISTINCT c.doc_id) AS documents,
    round(avg(CASE WHEN c.cited THEN 0 ELSE 1 END), 2) AS uncited_share,
    round(avg(CASE WHEN c.hedged THEN 1 ELSE 0 END), 2) AS hedged_share
FROM v_claims c
JOIN v_weekly_sightings w USING (doc_id)
WHERE w.week_start = $1
GROUP BY ALL
ORDER BY claims DESC, c.substance, c.condition
