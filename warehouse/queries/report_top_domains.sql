-- report_top_domains: one row per host with documents seen in the week $1: how many carry
-- flags, and their unsupported terms. Counted for the week's documents only (v_documents
-- would count every document first: 1.3 s at a million documents).
WITH week_docs AS (
    SELECT DISTINCT doc_id, host FROM v_weekly_sightings WHERE week_start = $1
), flagged AS (
    SELECT DISTINCT doc_id FROM v_flags WHERE doc_id IN (SELECT doc_id FROM week_docs)
), terms AS (
    SELECT doc_id, count(*) FILTER (WHERE NOT supported) AS unsupported_terms
    FROM v_terms WHERE doc_id IN (SELECT doc_id FROM week_docs) GROUP BY doc_id
)
SELECT
    w.host, count(DISTINCT w.doc_id) FILTER (WHERE f.doc_id IS NOT NULL) AS flagged_documents,
    count(DISTINCT w.doc_id) AS documents, coalesce(sum(t.unsupported_terms), 0) AS unsupported_terms
FROM week_docs w
LEFT JOIN flagged f USING (doc_id)
LEFT JOIN terms t USING (doc_id)
GROUP BY w.host
ORDER BY flagged_documents DESC, documents DESC, w.host
LIMIT 25
