-- v_weekly_sightings: one row per document per week in which it was fetched.
CREATE OR REPLACE VIEW v_weekly_sightings AS
SELECT DISTINCT s.doc_id, date_trunc('week', s.window_start)::DATE AS week_start, d.host, d.url
FROM document_sightings s
JOIN documents d USING (doc_id);
