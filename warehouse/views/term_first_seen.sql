-- term_first_seen: one row per unsupported term group: when the extractor first found it
-- (a term is "new" in that week), where, and how widely it has been seen since. Mentions the
-- known-term sweep later finds in older pages count for spread, not for first detection.
CREATE OR REPLACE VIEW term_first_seen AS
WITH detected AS (
    SELECT t.group_key, min(w.week_start) AS first_seen_week,
           arg_min(w.url, (w.week_start, w.url)) AS first_url
    FROM term_mentions t
    JOIN v_weekly_sightings w USING (doc_id)
    WHERE NOT t.supported AND t.origin = 'extractor'
    GROUP BY t.group_key
)
SELECT
    t.group_key,
    coalesce(any_value(d.first_seen_week), min(w.week_start)) AS first_seen_week,
    coalesce(any_value(d.first_url), arg_min(w.url, (w.week_start, w.url))) AS first_url,
    count(DISTINCT w.week_start) AS weeks_seen,
    count(DISTINCT t.doc_id) AS documents,
    count(DISTINCT w.host) AS domains
FROM term_mentions t
JOIN v_weekly_sightings w USING (doc_id)
LEFT JOIN detected d USING (group_key)
WHERE NOT t.supported
GROUP BY t.group_key;
