-- report_top_domains: one row per host with flagged documents seen in the week $1.
SELECT
    w.host, count(DISTINCT w.doc_id) FILTER (WHERE d.flags > 0) AS flagged_documents,
    count(DISTINCT w.doc_id) AS documents, sum(d.unsupported_terms) AS unsupported_terms
FROM v_weekly_sightings w
JOIN v_documents d USING (doc_id)
WHERE w.week_start = $1
GROUP BY w.host
ORDER BY flagged_documents DESC, w.host
