-- select_batch_documents: one row per document seen in load $1, with the date it was fetched.
SELECT d.*, s.fetched_at::DATE AS fetched_date
FROM documents d JOIN document_sightings s USING (doc_id) WHERE s.load_id = $1
