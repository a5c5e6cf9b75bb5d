-- select_batch_claims: one row per claim of the documents seen in load $1.
SELECT c.* FROM claims c JOIN document_sightings s USING (doc_id) WHERE s.load_id = $1
