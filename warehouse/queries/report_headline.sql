-- report_headline: one row of headline figures for the week starting $1.
SELECT
    (SELECT count(*) FROM v_fetch_log WHERE week_start = $1 AND kind = 'page') AS pages_fetched,
    (SELECT count(*) FROM v_fetch_log WHERE week_start = $1 AND kind = 'page' AND outcome IN ('fetched', 'not_modified', 'duplicate')) AS pages_ok,
    -- Only documents seen this week: a page's older analyses (earlier extractor versions) are
    -- documents too, but not new ones.
    -- A document is new in its first week of sightings (not v_documents.first_seen_week: that
    -- view counts every document's mentions first, seconds at a million documents).
    (SELECT count(*) FROM (SELECT doc_id FROM v_weekly_sightings WHERE week_start <= $1
        GROUP BY doc_id HAVING min(week_start) = $1)) AS new_documents,
    (SELECT count(DISTINCT doc_id) FROM v_weekly_sightings WHERE week_start = $1) AS documents_seen,
    -- EXISTS, not v_documents.flags: the view counts every document's flags first (slow at scale).
    (SELECT count(DISTINCT w.doc_id) FROM v_weekly_sightings w
      WHERE w.week_start = $1 AND EXISTS (SELECT 1 FROM v_flags f WHERE f.doc_id = w.doc_id)) AS flagged_documents,
    (SELECT count(*) FROM weekly_term_counts WHERE week_start = $1) AS unsupported_terms,
    (SELECT coalesce(sum(mentions), 0) FROM weekly_dosing_language WHERE week_start = $1) AS dosing_mentions
