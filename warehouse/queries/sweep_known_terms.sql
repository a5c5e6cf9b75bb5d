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
), scope AS (
    SELECT d.doc_id, d.text, j.*
    FROM docs d, jargon j
    WHERE (d.doc_id IN (SELECT doc_id FROM batch_documents)
           OR j.group_key IN (SELECT group_key FROM batch_term_groups))
      -- A substring test first (vectorised, ~100× cheaper than the regex): an acronym's
      -- letters without dots, or a coinage's first word, must be in the text at all.
      AND CASE WHEN j.kind = 'acronym' THEN contains(d.undotted, upper(j.normalized))
               ELSE contains(d.lower_text, split_part(j.normalized, ' ', 1)) END
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
