-- sweep_spellings: temp table sweep_spellings, one row per spelling of a jargon group (a group
-- with an unsupported mention found by the extractor), with whether the group is new to this
-- batch (every one of its extractor mentions lies in the batch's documents) and its canonical
-- form (acronyms: dots dropped; coinages: runs of spaces and hyphens as one space). Spellings are
-- kept to the characters the sweep's patterns are built from. warehouse/sweep.py builds the
-- patterns from it, and sweep_known_terms.sql maps matches back to groups through it.
CREATE OR REPLACE TEMP TABLE sweep_spellings AS
WITH jargon AS (
    SELECT group_key, bool_and(doc_id IN (SELECT doc_id FROM batch_documents)) AS new
    FROM term_mentions
    WHERE NOT supported AND origin = 'extractor'
    GROUP BY group_key
)
SELECT v.normalized, v.group_key, g.kind, g.display_term, j.new,
    CASE WHEN g.kind = 'acronym' THEN replace(v.normalized, '.', '')
         ELSE regexp_replace(v.normalized, '[\s-]+', ' ', 'g') END AS canon
FROM term_variants v
JOIN term_groups g USING (group_key)
JOIN jargon j USING (group_key)
WHERE regexp_full_match(v.normalized, '[a-z0-9'' -]{2,60}');
