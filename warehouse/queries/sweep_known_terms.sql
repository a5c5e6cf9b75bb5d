-- sweep_known_terms: one new term_mentions row per (document, jargon group) where a known
-- unsupported term appears in the text but the extractor did not pick it up there (it was not
-- quoted or defined on that page). Reads sweep_hits, filled by warehouse/sweep.py: one row per
-- match, as written. A match belongs to the spellings with the same canonical form (acronyms:
-- dots dropped; coinages: lower case, runs of spaces and hyphens as one space), as in
-- sweep_spellings.sql.
INSERT INTO term_mentions BY NAME
WITH spellings AS (
    -- One spelling per canonical form and group (sweep_spellings.sql), so no match counts twice.
    SELECT group_key, kind, any_value(display_term) AS display_term, min(normalized) AS normalized, canon
    FROM sweep_spellings
    GROUP BY group_key, kind, canon
), matches AS (
    SELECT doc_id, surface, kind, count(*) AS n,
        CASE WHEN kind = 'acronym' THEN lower(replace(surface, '.', ''))
             ELSE lower(regexp_replace(surface, '[\s-]+', ' ', 'g')) END AS canon
    FROM sweep_hits
    GROUP BY ALL
), located AS (
    -- The snippet: the match with up to 120 characters of its sentence on either side.
    SELECT m.doc_id, s.group_key, s.kind, s.display_term, s.normalized, m.n, m.surface,
        d.text, instr(d.text, m.surface) AS pos
    FROM matches m
    JOIN spellings s ON s.canon = m.canon AND s.kind = m.kind
    JOIN documents d USING (doc_id)
)
SELECT
    doc_id, group_key AS normalized, group_key, any_value(display_term) AS term, any_value(kind) AS kind,
    []::VARCHAR[] AS expansions, list_sort(list(DISTINCT normalized)) AS variants, false AS supported,
    sum(n)::INTEGER AS mention_count,
    min(trim(regexp_extract(substring(text, greatest(1, pos - 120), pos - greatest(1, pos - 120)), '[^\n.!?]*$')
             || surface || regexp_extract(substring(text, pos + length(surface), 120), '^[^\n.!?]*'))) AS snippet,
    'known_term' AS origin
FROM located
WHERE NOT EXISTS (
    SELECT 1 FROM term_mentions t WHERE t.doc_id = located.doc_id AND t.group_key = located.group_key)
GROUP BY doc_id, group_key;
