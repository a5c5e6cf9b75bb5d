-- report_terms: one row per unsupported term group seen in the week starting $1, with its
-- history up to that week only (so a past week rebuilds identically).
-- History from weekly_term_counts: the full weekly_unsupported_terms (lists, examples) is
-- needed for the one week shown only.
WITH history AS (
    SELECT group_key, count(*) AS weeks_seen, sum(documents) AS documents_to_date
    FROM weekly_term_counts WHERE week_start <= $1 GROUP BY group_key
), prior AS (
    SELECT group_key, sum(documents) / 4.0 AS trailing_mean
    FROM weekly_term_counts
    WHERE week_start < $1 AND week_start >= $1 - INTERVAL 4 WEEK
    GROUP BY group_key
)
SELECT
    t.term, t.group_key, t.kind, t.documents, t.domains, t.mentions, t.variants, t.expansions,
    t.example_url, t.example_snippet, t.first_seen_week, t.is_new, h.weeks_seen,
    h.documents_to_date, coalesce(tr.trailing_mean, 0) AS trailing_mean,
    (t.documents >= 2 OR h.weeks_seen >= 2) AS recurring
FROM weekly_unsupported_terms t
JOIN history h USING (group_key)
LEFT JOIN prior tr USING (group_key)
WHERE t.week_start = $1
ORDER BY t.documents DESC, t.domains DESC, t.mentions DESC, t.term
