-- select_sweep_spellings: one row per spelling of a jargon group (a group with an unsupported
-- mention found by the extractor), with whether the group is new to this batch: every one of
-- its extractor mentions lies in the batch's documents. Spellings are kept to the characters
-- the sweep's patterns are built from.
WITH jargon AS (
    SELECT group_key, bool_and(doc_id IN (SELECT doc_id FROM batch_documents)) AS new
    FROM term_mentions
    WHERE NOT supported AND origin = 'extractor'
    GROUP BY group_key
)
SELECT v.normalized, g.kind, j.new
FROM term_variants v
JOIN term_groups g USING (group_key)
JOIN jargon j USING (group_key)
WHERE regexp_full_match(v.normalized, '[a-z0-9'' -]{2,60}')
ORDER BY v.normalized;
