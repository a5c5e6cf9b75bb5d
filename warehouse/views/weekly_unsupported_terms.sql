-- weekly_unsupported_terms: one row per unsupported term group per week (Monday, UTC).
CREATE OR REPLACE VIEW weekly_unsupported_terms AS
-- Each group's first week comes from term_stats (as term_first_seen defines it).
SELECT
    w.week_start,
    g.display_term AS term,
    t.group_key,
    g.kind,
    count(DISTINCT t.doc_id) AS documents,
    count(DISTINCT w.host) AS domains,
    sum(t.mention_count) AS mentions,
    list_sort(list_distinct(flatten(list(t.variants)))) AS variants,
    list_sort(list_distinct(flatten(list(t.expansions)))) AS expansions,
    arg_min(w.url, w.url) AS example_url,
    arg_min(t.snippet, w.url) AS example_snippet,
    f.first_seen_week,
    w.week_start = f.first_seen_week AS is_new
FROM term_mentions t
JOIN v_weekly_sightings w USING (doc_id)
JOIN term_groups g USING (group_key)
JOIN term_stats f USING (group_key)
WHERE NOT t.supported
GROUP BY ALL;
