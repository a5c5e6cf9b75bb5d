-- report_crawl_health: one row per request kind and outcome in the week $1.
SELECT kind, outcome, count(*) AS requests, count(DISTINCT host) AS hosts,
       list_sort(list_distinct(list(host))) AS host_list
FROM v_fetch_log
WHERE week_start = $1
GROUP BY kind, outcome
ORDER BY kind, outcome
