-- select_reprocess_candidates: one row per document version to analyse again from the WARC
-- archive: first seen on or after $1 (NULL: any time), and analysed by an extractor version
-- other than $2 (or any version when $3 is true). The archive pointer and charset come from
-- the document, else from the earliest fetch of the same bytes.
WITH archived AS (
    SELECT content_hash,
           arg_min({'file': warc_file, 'offset': warc_offset, 'charset': charset}, fetched_at) AS a
    FROM fetches
    WHERE warc_file IS NOT NULL AND content_hash IS NOT NULL
    GROUP BY content_hash
)
SELECT d.doc_id, d.url, d.source, d.content_hash, d.extractor_version, d.first_seen_window,
       coalesce(d.warc_file, a.a.file) AS warc_file,
       coalesce(d.warc_offset, a.a.offset) AS warc_offset,
       a.a.charset AS charset,
       (SELECT min(s.fetched_at) FROM document_sightings s WHERE s.doc_id = d.doc_id) AS fetched_at
FROM documents d
LEFT JOIN archived a USING (content_hash)
WHERE ($1::TIMESTAMP IS NULL OR d.first_seen_window >= $1::TIMESTAMP)
  AND ($3 OR d.extractor_version <> $2)
ORDER BY d.first_seen_window, d.doc_id
