-- select_staged_documents: one row per staged document, with the date it was fetched.
SELECT d.*,
       (SELECT min(s.fetched_at)::DATE FROM staging.batch_sightings s WHERE s.doc_id = d.doc_id) AS fetched_date
FROM staging.batch_documents d
