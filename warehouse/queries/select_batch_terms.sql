-- select_batch_terms: one row per term mention of the documents seen in load $1.
SELECT t.* FROM term_mentions t JOIN document_sightings s USING (doc_id) WHERE s.load_id = $1
