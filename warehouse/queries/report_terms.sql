-- report_terms: one row per unsupported term group seen in the week starting $1, with its
-- history up to that week only (so a past week rebuilds identically): weeks seen, and the
-- mean of the 4 weeks before (for "rising").
-- History from weekly_term_counts (the table term_week_stats, which every load rebuilds), so
-- the report reads a small table instead of joining every past mention to its sightings.
WITH week_terms AS MATERIALIZED (
    SELECT * FROM weekly_unsupported_terms WHERE week_start = $1
), history AS (
    SELECT group_key, count(*) AS weeks_seen,
           coalesce(sum(documents) FILTER (WHERE week_start >= $1 - INTERVAL 4 WEEK
                                             AND week_start < $1), 0) / 4.0 AS trailing_mean
    FROM weekly_term_counts
    WHERE week_start <= $1 AND group_key IN (SELECT group_key FROM week_terms)
    GROUP BY group_key
)
SELECT
    t.term, t.group_key, t.kind, t.documents, t.domains, t.mentions, t.variants, t.expansions,
    t.example_url, t.example_snippet, t.first_seen_week, t.is_new, h.weeks_seen,
    h.trailing_mean, (t.documents >= 2 OR h.weeks_seen >= 2) AS recurring
FROM week_terms t
JOIN history h USING (group_key)
ORDER BY t.documents DESC, t.domains DESC, t.mentions DESC, t.term
