-- report_term_sites: one row per site (host, at most 25 per group) using one of the term groups $2 in the week
-- starting $1, and whether that site had used the term before. $2 holds the groups the report
-- shows (a few dozen), which bounds the history read. "Before" is term_hosts.first_week, the
-- first week each host used each term (the table term_host_stats, rebuilt by every load); it
-- stops at $1, so past weeks rebuild identically.
WITH week_docs AS (
    SELECT DISTINCT doc_id FROM v_weekly_sightings WHERE week_start = $1
), week_sites AS (
    SELECT DISTINCT t.group_key, t.host
    FROM v_terms t
    WHERE NOT t.supported AND t.group_key IN (SELECT unnest($2::VARCHAR[]))
      AND t.doc_id IN (SELECT doc_id FROM week_docs)
), before AS (
    SELECT group_key, host
    FROM term_hosts
    WHERE first_week < $1 AND group_key IN (SELECT unnest($2::VARCHAR[]))
)
SELECT k.group_key, k.host, b.host IS NULL AS new_site
FROM week_sites k
LEFT JOIN before b USING (group_key, host)
-- New sites first, then by name; at most 25 per term (the report's count is t.domains).
QUALIFY row_number() OVER (PARTITION BY k.group_key ORDER BY b.host IS NULL DESC, k.host) <= 25
ORDER BY k.group_key, new_site DESC, k.host
