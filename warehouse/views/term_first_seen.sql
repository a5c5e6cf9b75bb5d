-- term_first_seen: one row per unsupported term group: when and where it first appeared.
CREATE OR REPLACE VIEW term_first_seen AS
SELECT
    t.group_key,
    min(w.week_start) AS first_seen_week,
    arg_min(w.url, (w.week_start, w.url)) AS first_url,
    count(DISTINCT w.week_start) AS weeks_seen,
    count(DISTINCT t.doc_id) AS documents,
    count(DISTINCT w.host) AS domains
FROM term_mentions t
JOIN v_weekly_sightings w USING (doc_id)
WHERE NOT t.supported
GROUP BY t.group_key;
