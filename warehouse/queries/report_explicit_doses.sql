-- report_explicit_doses: one row per explicit dose statement in documents seen in the week $1.
SELECT DISTINCT
    coalesce(d.substance, 'unspecified') AS substance, d.kind, d.text, d.amount_low,
    d.amount_high, d.unit, d.frequency, d.host, d.url
FROM v_dosing d
JOIN v_weekly_sightings w USING (doc_id)
WHERE w.week_start = $1 AND d.kind IN ('amount', 'maximum', 'taper')
ORDER BY substance, d.kind DESC, d.unit, d.amount_low, d.text, d.url
