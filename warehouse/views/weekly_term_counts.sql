-- weekly_term_counts: one row per unsupported term group per week: how many documents and domains used it (the light part of weekly_unsupported_terms, for trends over many weeks).
CREATE OR REPLACE VIEW weekly_term_counts AS
SELECT date_trunc('week', s.window_start)::DATE AS week_start, t.group_key,
       count(DISTINCT t.doc_id) AS documents, count(DISTINCT d.host) AS domains
FROM term_mentions t
JOIN document_sightings s USING (doc_id)
JOIN documents d USING (doc_id)
WHERE NOT t.supported
GROUP BY ALL;
