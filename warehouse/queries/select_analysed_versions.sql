-- select_analysed_versions: (url, content_hash) already analysed with extractor version $1,
-- among the content hashes $2 (the unchanged pages of a crawl batch).
SELECT url, content_hash
FROM documents
WHERE extractor_version = $1
  AND content_hash IN (SELECT unnest($2::VARCHAR[]))
