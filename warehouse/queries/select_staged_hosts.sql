-- select_staged_hosts: one row per host of the staged documents: the share of near-empty
-- documents (main text under $1 characters), for hosts with at least 3 documents.
SELECT host, count(*) AS documents,
       CASE WHEN count(*) >= 3 THEN avg((text_length < $1)::INTEGER) END AS near_empty_share
FROM staging.batch_documents
GROUP BY host
