-- select_rule_claims: one row per claim of the evaluated documents.
SELECT c.doc_id, c.ordinal, c.sentence, c.substance, c.effect, c.condition, c.hedged, c.cited
FROM claims c JOIN documents d USING (doc_id)
WHERE ($1::TIMESTAMP IS NULL OR d.first_seen_window >= $1::TIMESTAMP)
  AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], d.doc_id))
ORDER BY c.doc_id, c.ordinal
