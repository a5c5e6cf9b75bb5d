-- select_batch_documents: one row per document seen in load $1.
SELECT d.* FROM documents d JOIN document_sightings s USING (doc_id) WHERE s.load_id = $1
