-- v_fetch_log: one row per URL, request kind and crawl window.
CREATE OR REPLACE VIEW v_fetch_log AS
SELECT
    date_trunc('week', window_start)::DATE AS week_start, window_start, source, host, kind,
    url, final_url, status, outcome, error, content_type, size_bytes, fetched_at
FROM fetches;
