-- v_fetch_log: one row per URL, request kind and crawl window (crawl health).
-- outcome: fetched, not_modified, duplicate, robots_disallowed, blocked_address,
-- blocked_scheme, too_large, bad_content_type, redirect_loop, too_many_redirects, timeout,
-- http_error, network_error, decode_error, archive_error (came, but not archived). reason says
-- why, for any outcome but fetched.
CREATE OR REPLACE VIEW v_fetch_log AS
SELECT
    url, final_url, host, status, outcome, error AS reason, size_bytes AS bytes, elapsed_ms,
    fetched_at, run_id,
    date_trunc('week', window_start)::DATE AS week_start, window_start, source, kind,
    content_type, charset, attempts, warc_file, warc_offset
FROM fetches;
