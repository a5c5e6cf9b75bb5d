-- weekly_dosing_language: one row per dosing kind and canonical phrase per week (Monday, UTC).
CREATE OR REPLACE VIEW weekly_dosing_language AS
SELECT
    w.week_start,
    m.kind,
    coalesce(m.phrase, lower(m.text)) AS phrase,
    count(*) AS mentions,
    count(DISTINCT m.doc_id) AS documents,
    count(DISTINCT w.host) AS domains,
    coalesce(list_sort(list_distinct(list(m.substance) FILTER (WHERE m.substance IS NOT NULL))), []) AS substances,
    min(m.amount_low) AS amount_low,
    max(m.amount_high) AS amount_high,
    any_value(m.unit) AS unit,
    arg_min(m.text, w.url) AS example_text,
    arg_min(w.url, w.url) AS example_url
FROM dosing_mentions m
JOIN v_weekly_sightings w USING (doc_id)
GROUP BY ALL;
