-- select_rule_documents: one row per document the claim rules evaluate: first seen on or
-- after $1 (NULL: any), or listed in $2 (NULL: any).
SELECT doc_id, url, text
FROM documents
WHERE ($1::TIMESTAMP IS NULL OR first_seen_window >= $1::TIMESTAMP)
  AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], doc_id))
