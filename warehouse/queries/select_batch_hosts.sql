-- select_batch_hosts: one row per host of the documents seen in load $1: the share of
-- near-empty documents (main text under $2 characters), for hosts with at least 3 documents.
SELECT d.host, count(*) AS documents,
       CASE WHEN count(*) >= 3 THEN avg((d.text_length < $2)::INTEGER) END AS near_empty_share
FROM documents d JOIN document_sightings s USING (doc_id)
WHERE s.load_id = $1
GROUP BY d.host
