-- select_rule_flags: one row per extractor flag of the evaluated documents.
SELECT f.doc_id, f.kind, f.detail
FROM document_flags f JOIN documents d USING (doc_id)
WHERE f.origin = 'extractor'
  AND ($1::TIMESTAMP IS NULL OR d.first_seen_window >= $1::TIMESTAMP)
  AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], d.doc_id))
ORDER BY f.doc_id, f.kind, f.detail
