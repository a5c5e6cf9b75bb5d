-- The crawler's fetch log as issue 4 defines it: one outcome vocabulary, timings, retries,
-- the run, the detected charset, and where each body is archived (WARC file and offset).

UPDATE fetches SET outcome = CASE outcome
    WHEN 'ok' THEN 'fetched'
    WHEN 'blocked_robots' THEN 'robots_disallowed'
    WHEN 'blocked_network' THEN 'blocked_address'
    WHEN 'unsupported_type' THEN 'bad_content_type'
    WHEN 'parse_error' THEN 'decode_error'
    WHEN 'bad_redirect' THEN 'http_error'
    ELSE outcome END;
-- Sitemap children on other hosts were never requested: they are not fetches.
DELETE FROM fetches WHERE outcome = 'out_of_scope';

ALTER TABLE fetches ADD COLUMN run_id VARCHAR;
ALTER TABLE fetches ADD COLUMN elapsed_ms INTEGER;
ALTER TABLE fetches ADD COLUMN attempts INTEGER;
ALTER TABLE fetches ADD COLUMN charset VARCHAR;
ALTER TABLE fetches ADD COLUMN warc_file VARCHAR;
ALTER TABLE fetches ADD COLUMN warc_offset BIGINT;
ALTER TABLE documents ADD COLUMN warc_file VARCHAR;
ALTER TABLE documents ADD COLUMN warc_offset BIGINT;

COMMENT ON TABLE fetches IS 'One row per URL, request kind and crawl window: the first outcome in the window, replaced only by a later response with a body.';
COMMENT ON COLUMN fetches.outcome IS 'fetched, not_modified, duplicate, robots_disallowed, blocked_address, blocked_scheme, too_large, bad_content_type, redirect_loop, too_many_redirects, timeout, http_error, network_error or decode_error.';
COMMENT ON COLUMN fetches.content_hash IS 'sha256 of the decoded body (also for not_modified and duplicate: the unchanged body).';
COMMENT ON COLUMN fetches.run_id IS 'The crawl run: the Airflow run id, or the one the CLI was given.';
COMMENT ON COLUMN fetches.elapsed_ms IS 'Wall time of the request, retries and redirects included.';
COMMENT ON COLUMN fetches.attempts IS 'Requests made for this row, retries included; 0 when none was (robots.txt refused it).';
COMMENT ON COLUMN fetches.charset IS 'The body''s encoding: Content-Type, else <meta>, else detected.';
COMMENT ON COLUMN fetches.warc_file IS 'WARC file holding the body, relative to data/archive/.';
COMMENT ON COLUMN fetches.warc_offset IS 'Byte offset of the response record in warc_file.';
COMMENT ON COLUMN documents.warc_file IS 'WARC file holding this version''s body, relative to data/archive/.';
COMMENT ON COLUMN documents.warc_offset IS 'Byte offset of the response record in warc_file.';
