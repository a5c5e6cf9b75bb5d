-- refresh_term_stats: term_stats rebuilt whole from term_mentions and document_sightings, in
-- the caller's transaction. First detection is by the extractor: mentions the known-term sweep
-- later finds in older pages count for spread, not for when a term was new.
DELETE FROM term_stats;

INSERT INTO term_stats BY NAME
WITH sightings AS (
    SELECT DISTINCT s.doc_id, date_trunc('week', s.window_start)::DATE AS week_start, d.host, d.url
    FROM document_sightings s
    JOIN documents d USING (doc_id)
), unsupported AS (
    SELECT t.group_key, t.doc_id, t.origin = 'extractor' AS detected, w.week_start, w.host, w.url
    FROM term_mentions t
    JOIN sightings w USING (doc_id)
    WHERE NOT t.supported
)
SELECT
    group_key,
    coalesce(min(week_start) FILTER (WHERE detected), min(week_start)) AS first_seen_week,
    coalesce(arg_min(url, (week_start, url)) FILTER (WHERE detected),
             arg_min(url, (week_start, url))) AS first_url,
    count(DISTINCT week_start) AS weeks_seen,
    count(DISTINCT doc_id) AS documents,
    count(DISTINCT host) AS domains
FROM unsupported
GROUP BY group_key;
