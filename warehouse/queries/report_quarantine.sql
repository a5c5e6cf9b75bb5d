-- report_quarantine: one row per suite, relation and severity: rows the audit withheld from
-- the batches of the week starting $1, and the expectations they broke.
SELECT
    suite, relation, severity, count(DISTINCT row_key) AS rows_quarantined,
    list_sort(list_distinct(list(expectation || ' (' || column_name || ')'))) AS expectations
FROM v_quarantine
WHERE window_start >= $1 AND window_start < $1 + INTERVAL 7 DAY
GROUP BY ALL
ORDER BY severity, suite, relation
