-- v_claims: one row per claim sentence per document.
CREATE OR REPLACE VIEW v_claims AS
SELECT
    c.substance, c.effect, c.condition, c.hedged, c.cited, c.sentence,
    d.doc_id, d.url, d.host, date_trunc('week', d.first_seen_window)::DATE AS first_seen_week
FROM claims c
JOIN documents d USING (doc_id);
