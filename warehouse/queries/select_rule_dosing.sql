-- select_rule_dosing: one row per dosing mention of the evaluated documents.
SELECT m.doc_id, m.ordinal, m.kind, m.text, m.substance, m.amount_low, m.amount_high, m.unit, m.frequency
FROM dosing_mentions m JOIN documents d USING (doc_id)
WHERE ($1::TIMESTAMP IS NULL OR d.first_seen_window >= $1::TIMESTAMP)
  AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], d.doc_id))
ORDER BY m.doc_id, m.ordinal
