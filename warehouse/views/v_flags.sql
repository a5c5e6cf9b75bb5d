-- v_flags: one row per flag on a document: extractor signals (unsupported_term, inconsistent_definition,
-- vague_dosing, uncited_claim, vague_attribution, absolute_safety, disease_claim, non_english) and
-- claim rules (origin rules: kind is the rule id of config/rules.yaml, with severity, evidence and offsets).
CREATE OR REPLACE VIEW v_flags AS
SELECT
    f.kind, f.detail, f.origin, f.severity, f.evidence, f.start_offset, f.end_offset,
    r.risk_score, d.doc_id, d.url, d.host, d.source,
    date_trunc('week', d.first_seen_window)::DATE AS first_seen_week
FROM document_flags f
JOIN documents d USING (doc_id)
LEFT JOIN document_risk r USING (doc_id);
