-- v_documents: one row per analysed document version, with its first-seen week, counts and risk score.
-- Counts come from grouped joins, not correlated subqueries: at a million documents that is
-- the difference between 0.5 s and 3 s for a week (bench/warehouse_speed.py).
CREATE OR REPLACE VIEW v_documents AS
WITH terms AS (
    SELECT doc_id, count(*) FILTER (WHERE NOT supported) AS unsupported_terms
    FROM term_mentions GROUP BY doc_id
), dosing AS (
    SELECT doc_id, count(*) AS dosing_mentions FROM dosing_mentions GROUP BY doc_id
), claim_counts AS (
    SELECT doc_id, count(*) AS claims FROM claims GROUP BY doc_id
), flag_counts AS (
    SELECT doc_id, count(*) AS flags FROM document_flags GROUP BY doc_id
)
SELECT
    d.doc_id, d.url, d.host, d.source, d.title, d.published, d.language, d.text_length,
    date_trunc('week', d.first_seen_window)::DATE AS first_seen_week,
    coalesce(t.unsupported_terms, 0) AS unsupported_terms,
    coalesce(m.dosing_mentions, 0) AS dosing_mentions,
    coalesce(c.claims, 0) AS claims,
    coalesce(f.flags, 0) AS flags,
    r.risk_score,
    d.extractor_version, d.content_hash, d.warc_file, d.warc_offset
FROM documents d
LEFT JOIN terms t USING (doc_id)
LEFT JOIN dosing m USING (doc_id)
LEFT JOIN claim_counts c USING (doc_id)
LEFT JOIN flag_counts f USING (doc_id)
LEFT JOIN document_risk r USING (doc_id);
