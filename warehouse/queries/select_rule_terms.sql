-- select_rule_terms: one row per term group per evaluated document, with every expansion the
-- group has across all documents (for definitions that conflict across sites).
WITH docs AS (
    SELECT doc_id FROM documents
    WHERE ($1::TIMESTAMP IS NULL OR first_seen_window >= $1::TIMESTAMP)
      AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], doc_id))
), across AS (
    SELECT group_key, list_distinct(flatten(list(expansions))) AS group_expansions
    FROM term_mentions GROUP BY group_key
)
SELECT t.doc_id, t.group_key, g.display_term AS term, t.term AS spelling, t.kind, t.supported,
       t.expansions, a.group_expansions
FROM term_mentions t JOIN docs USING (doc_id)
JOIN term_groups g USING (group_key) JOIN across a USING (group_key)
ORDER BY t.doc_id, t.group_key
