-- v_extract_errors: one row per fetched page that could not be analysed, with why.
CREATE OR REPLACE VIEW v_extract_errors AS
SELECT
    date_trunc('week', e.window_start)::DATE AS week_start, e.url,
    lower(split_part(split_part(e.url, '://', 2), '/', 1)) AS host, e.error, e.content_hash,
    e.window_start, e.load_id
FROM extract_errors e;
