-- select_batch_dosing: one row per dosing mention of the documents seen in load $1.
SELECT m.* FROM dosing_mentions m JOIN document_sightings s USING (doc_id) WHERE s.load_id = $1
