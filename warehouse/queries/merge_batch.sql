-- merge_batch: merge one staged batch (batch_* relations) into the warehouse.
-- Runs inside one transaction; every statement is an upsert on natural keys, so a re-run of
-- the same batch leaves the warehouse byte-for-byte the same.

-- A re-crawl of a window replaces what the earlier crawl of it saw: sightings and errors it
-- no longer has are removed; the ones it still has keep their first fetch time.
DELETE FROM document_sightings WHERE load_id IN (SELECT load_id FROM batch_loads)
    AND doc_id NOT IN (SELECT doc_id FROM batch_sightings);
DELETE FROM extract_errors WHERE load_id IN (SELECT load_id FROM batch_loads)
    AND (url, content_hash) NOT IN (SELECT (url, content_hash) FROM batch_errors);

INSERT INTO fetches BY NAME SELECT * FROM batch_fetches
ON CONFLICT (window_start, url_hash, kind) DO UPDATE SET
    fetched_at = excluded.fetched_at, status = excluded.status, outcome = excluded.outcome,
    error = excluded.error, content_hash = excluded.content_hash, size_bytes = excluded.size_bytes,
    final_url = excluded.final_url, content_type = excluded.content_type, etag = excluded.etag,
    last_modified = excluded.last_modified, load_id = excluded.load_id,
    run_id = excluded.run_id, elapsed_ms = excluded.elapsed_ms, attempts = excluded.attempts,
    charset = excluded.charset, warc_file = excluded.warc_file, warc_offset = excluded.warc_offset
WHERE fetches.outcome NOT IN ('fetched', 'not_modified', 'duplicate')
  AND excluded.outcome IN ('fetched', 'not_modified', 'duplicate');

INSERT INTO pages BY NAME SELECT * FROM batch_pages
ON CONFLICT (url_hash) DO UPDATE SET
    first_seen_window = least(pages.first_seen_window, excluded.first_seen_window);

INSERT INTO documents BY NAME SELECT * FROM batch_documents
ON CONFLICT (doc_id) DO UPDATE SET
    first_seen_window = least(documents.first_seen_window, excluded.first_seen_window);

-- Sightings of unchanged pages name documents loaded in earlier windows; one whose document
-- is missing (never loaded) is dropped rather than left dangling.
INSERT INTO document_sightings BY NAME SELECT * FROM batch_sightings
WHERE doc_id IN (SELECT doc_id FROM documents)
ON CONFLICT (doc_id, window_start) DO NOTHING;

INSERT INTO extract_errors BY NAME SELECT * FROM batch_errors
ON CONFLICT (window_start, url, content_hash) DO NOTHING;

INSERT INTO term_groups BY NAME SELECT * FROM batch_term_groups
ON CONFLICT (group_key) DO NOTHING;

INSERT INTO term_variants BY NAME SELECT * FROM batch_term_variants
ON CONFLICT (normalized) DO NOTHING;

-- (The batch's mentions are replaced by replace_mentions.sql, run next in the transaction.)

INSERT OR REPLACE INTO loads BY NAME SELECT * FROM batch_loads;

INSERT INTO sources BY NAME SELECT * FROM batch_sources
ON CONFLICT (name) DO UPDATE SET
    hosts = excluded.hosts, seeds = excluded.seeds, sitemaps = excluded.sitemaps,
    feeds = excluded.feeds, max_depth = excluded.max_depth, max_pages = excluded.max_pages,
    delay_seconds = excluded.delay_seconds, crawl_every_weeks = excluded.crawl_every_weeks,
    last_load_id = excluded.last_load_id;
