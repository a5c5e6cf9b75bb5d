-- v_dosing: one row per dosing statement per document.
CREATE OR REPLACE VIEW v_dosing AS
SELECT
    m.kind, m.phrase, m.text, m.substance, m.amount_low, m.amount_high, m.unit, m.frequency,
    m.sentence, d.doc_id, d.url, d.host, date_trunc('week', d.first_seen_window)::DATE AS first_seen_week
FROM dosing_mentions m
JOIN documents d USING (doc_id);
