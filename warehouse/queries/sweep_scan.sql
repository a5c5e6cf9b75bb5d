-- sweep_scan: every match of one alternation of known spellings ($pattern, group 1 = the text
-- as written), in the batch's documents ($in_batch) or in all the others. One linear regex pass
-- per document; regexp_matches first so documents without a match are never split. With
-- $double, every character other than a letter, digit or dot is doubled before extraction, so a
-- pattern that consumes the character after a match leaves one for the next match's start.
INSERT INTO sweep_hits
SELECT doc_id,
    unnest(regexp_extract_all(
        CASE WHEN $double THEN regexp_replace(text, '([^A-Za-z0-9.])', '\1\1', 'g') ELSE text END,
        $pattern, 1)) AS surface,
    $kind AS kind
FROM documents
WHERE (doc_id IN (SELECT doc_id FROM batch_documents)) = $in_batch
  AND regexp_matches(text, $pattern);
