-- v_flags: one row per flag raised on a document (unsupported_term, inconsistent_definition,
-- vague_dosing, uncited_claim, vague_attribution, absolute_safety, disease_claim, non_english).
CREATE OR REPLACE VIEW v_flags AS
SELECT
    f.kind, f.detail, d.doc_id, d.url, d.host, d.source,
    date_trunc('week', d.first_seen_window)::DATE AS first_seen_week
FROM document_flags f
JOIN documents d USING (doc_id);
