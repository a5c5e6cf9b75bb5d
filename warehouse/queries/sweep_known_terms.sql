-- sweep_known_terms: one new term_mentions row per (document, jargon group) where a known
-- unsupported term appears in the text but the extractor did not pick it up there (it was not
-- quoted or defined on that page). Scope: documents of this batch against every jargon group,
-- plus every document against the groups this batch created. Acronyms match case-sensitively
-- with optional dots ("OPMS", "O.P.M.S."); coinages case-insensitively, spaces or hyphens.
INSERT INTO term_mentions BY NAME
WITH jargon AS (
    SELECT v.normalized, v.group_key, g.kind, g.display_term,
        CASE WHEN g.kind = 'acronym'
            THEN '(?:^|[^A-Za-z0-9.])' || regexp_replace(upper(v.normalized), '([A-Z0-9])', '\1[.]?', 'g') || '(?:[^A-Za-z0-9]|$)'
            ELSE '(?:^|[^a-z0-9])' || replace(v.normalized, ' ', '[\s-]+') || '(?:[^a-z0-9]|$)'
        END AS pattern,
        CASE WHEN g.kind = 'acronym' THEN '' ELSE '(?i)' END AS flags
    FROM term_variants v
    JOIN term_groups g USING (group_key)
    WHERE g.group_key IN (SELECT group_key FROM term_mentions WHERE NOT supported AND origin = 'extractor')
      AND regexp_full_match(v.normalized, '[a-z0-9'' -]{2,60}')
), docs AS (
    -- Each text lowered and undotted once, for the cheap substring test below.
    SELECT doc_id, text, lower(text) AS lower_text, replace(text, '.', '') AS undotted
    FROM documents
    WHERE doc_id IN (SELECT doc_id FROM batch_documents)
       OR EXISTS (SELECT 1 FROM batch_term_groups)
), words AS (
    -- Candidate pairs by hash join on words, not a documents × spellings cross join: the
    -- regex below then runs only where a spelling's first word is a word of the text
    -- (lower case for coinages; as written, dots removed, for acronyms).
    SELECT DISTINCT doc_id, unnest(string_split_regex(lower_text, '[^a-z0-9]+')) AS word, false AS upper_case FROM docs
    UNION ALL
    SELECT DISTINCT doc_id, unnest(string_split_regex(undotted, '[^A-Za-z0-9]+')) AS word, true FROM docs
), first_words AS (
    SELECT normalized, kind = 'acronym' AS upper_case,
           CASE WHEN kind = 'acronym'
                THEN split_part(trim(regexp_replace(upper(normalized), '[^A-Z0-9]+', ' ', 'g')), ' ', 1)
                ELSE split_part(trim(regexp_replace(normalized, '[^a-z0-9]+', ' ', 'g')), ' ', 1)
           END AS word
    FROM jargon
), scope AS (
    SELECT DISTINCT d.doc_id, d.text, j.*
    FROM first_words f
    JOIN words w ON w.word = f.word AND w.upper_case = f.upper_case
    JOIN docs d ON d.doc_id = w.doc_id
    JOIN jargon j ON j.normalized = f.normalized
    WHERE d.doc_id IN (SELECT doc_id FROM batch_documents)
       OR j.group_key IN (SELECT group_key FROM batch_term_groups)
), hits AS (
    SELECT doc_id, group_key, kind, display_term, normalized,
        len(regexp_extract_all(text, flags || pattern)) AS n,
        trim(regexp_extract(text, flags || '[^\n.!?]{0,120}' || pattern || '[^\n.!?]{0,120}')) AS snippet
    FROM scope
    WHERE regexp_matches(text, flags || pattern)
)
SELECT
    doc_id, group_key AS normalized, group_key, any_value(display_term) AS term, any_value(kind) AS kind,
    []::VARCHAR[] AS expansions, list_sort(list(DISTINCT normalized)) AS variants, false AS supported,
    sum(n)::INTEGER AS mention_count, min(snippet) AS snippet, 'known_term' AS origin
FROM hits
WHERE NOT EXISTS (
    SELECT 1 FROM term_mentions t WHERE t.doc_id = hits.doc_id AND t.group_key = hits.group_key)
GROUP BY doc_id, group_key;
