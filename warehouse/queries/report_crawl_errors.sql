-- report_crawl_errors: one row per host whose requests failed in the week starting $1
-- (timeouts, HTTP and network errors, oversize or wrong content; robots.txt refusals are
-- policy, not errors), with one example.
WITH week AS (
    SELECT host, url, outcome, reason,
           outcome NOT IN ('fetched', 'not_modified', 'duplicate', 'robots_disallowed') AS failed
    FROM v_fetch_log
    WHERE week_start = $1
)
SELECT
    host, count(*) FILTER (WHERE failed) AS errors, count(*) AS requests,
    list_sort(list_distinct(list(outcome) FILTER (WHERE failed))) AS outcomes,
    arg_min(url, url) FILTER (WHERE failed) AS example_url,
    arg_min(reason, url) FILTER (WHERE failed) AS example_reason
FROM week
GROUP BY host
HAVING count(*) FILTER (WHERE failed) > 0
ORDER BY errors DESC, host
LIMIT 25
