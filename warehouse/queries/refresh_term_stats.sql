-- refresh_term_stats: the derived term tables (term_stats, term_week_stats, term_host_stats,
-- host_term_stats) rebuilt whole from term_mentions, documents and document_sightings, in the
-- caller's transaction. First detection is by the extractor: mentions the known-term sweep
-- later finds in older pages count for spread, not for when a term was new.
-- Every unsupported mention is joined to its document once, into a temp table the four
-- aggregates share (at a million documents: 4 M rows, under a second to build).
DELETE FROM term_stats;
DELETE FROM term_week_stats;
DELETE FROM term_host_stats;
DELETE FROM host_term_stats;

-- A document's weeks are the weeks it was fetched in; its first week is the earliest of them.
CREATE OR REPLACE TEMP TABLE stats_weeks AS
SELECT DISTINCT doc_id, date_trunc('week', window_start)::DATE AS week_start
FROM document_sightings;

CREATE OR REPLACE TEMP TABLE stats_mentions AS
SELECT t.group_key, t.doc_id, t.origin = 'extractor' AS detected, t.mention_count,
       d.host, d.url, d.source, f.first_week
FROM term_mentions t
JOIN documents d USING (doc_id)
JOIN (SELECT doc_id, min(week_start) AS first_week FROM stats_weeks GROUP BY doc_id) f USING (doc_id)
WHERE NOT t.supported;

INSERT INTO term_week_stats BY NAME
SELECT m.group_key, w.week_start, count(DISTINCT m.doc_id) AS documents,
       count(DISTINCT m.host) AS domains, sum(m.mention_count) AS mentions
FROM stats_mentions m
JOIN stats_weeks w USING (doc_id)
GROUP BY m.group_key, w.week_start;

INSERT INTO term_host_stats BY NAME
SELECT group_key, host, min(first_week) AS first_week, count(DISTINCT doc_id) AS documents,
       count(DISTINCT url) AS pages, sum(mention_count) AS mentions
FROM stats_mentions
GROUP BY group_key, host;

INSERT INTO host_term_stats BY NAME
SELECT host, min(source) AS source, count(DISTINCT group_key) AS terms,
       count(DISTINCT url) AS pages, count(DISTINCT doc_id) AS documents,
       sum(mention_count) AS mentions
FROM stats_mentions
GROUP BY host;

-- The first week of a term is the earliest first week of a document using it; the documents
-- fetched in that week are exactly those whose own first week it is, so first_url needs no
-- sightings join.
INSERT INTO term_stats BY NAME
WITH per_group AS (
    SELECT group_key,
           coalesce(min(first_week) FILTER (WHERE detected), min(first_week)) AS first_seen_week,
           coalesce(arg_min(url, (first_week, url)) FILTER (WHERE detected),
                    arg_min(url, (first_week, url))) AS first_url,
           coalesce(arg_min(host, (first_week, url)) FILTER (WHERE detected),
                    arg_min(host, (first_week, url))) AS first_host,
           count(DISTINCT doc_id) AS documents,
           count(DISTINCT host) AS domains
    FROM stats_mentions
    GROUP BY group_key
)
SELECT p.*, w.weeks_seen
FROM per_group p
JOIN (SELECT group_key, count(*) AS weeks_seen FROM term_week_stats GROUP BY group_key) w USING (group_key);

DROP TABLE stats_mentions;
DROP TABLE stats_weeks;
