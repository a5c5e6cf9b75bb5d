-- Three more derived tables beside term_stats, rebuilt with it by every load and reprocess
-- (warehouse/queries/refresh_term_stats.sql). The report and the cookbook's whole-history
-- questions (which domains use the most jargon, where a term spread, a term week by week)
-- otherwise join every unsupported mention to its document on every run: seconds each at a
-- million documents, against milliseconds for these small tables.
-- Like term_stats, they count the documents that have sightings: the current analysis of each
-- version of a page's content. A reprocess moves sightings to its new analysis, so the older
-- extractor's reading of the same content is not counted twice.
-- term_host_stats has no primary key on purpose: it holds millions of rows at that size and
-- an index would double its rebuild time; the refresh writes each (group_key, host) once.

CREATE TABLE term_host_stats (
    group_key   VARCHAR NOT NULL,
    host        VARCHAR NOT NULL,
    first_week  DATE NOT NULL,
    documents   INTEGER NOT NULL,
    pages       INTEGER NOT NULL,
    mentions    BIGINT NOT NULL
);
COMMENT ON TABLE term_host_stats IS 'One row per unsupported term group per host that used it: when that host first used it and how much. Derived from term_mentions and documents; rebuilt with term_stats. Key: (group_key, host), not enforced.';
COMMENT ON COLUMN term_host_stats.group_key IS 'The term group (term_groups.group_key).';
COMMENT ON COLUMN term_host_stats.host IS 'The host (documents.host).';
COMMENT ON COLUMN term_host_stats.first_week IS 'Monday (UTC) of the first week a page of this host using the term was fetched.';
COMMENT ON COLUMN term_host_stats.documents IS 'Documents (page versions) of this host using the term, unsupported.';
COMMENT ON COLUMN term_host_stats.pages IS 'Distinct URLs among those documents.';
COMMENT ON COLUMN term_host_stats.mentions IS 'Mentions in those documents.';

CREATE TABLE term_week_stats (
    group_key   VARCHAR NOT NULL,
    week_start  DATE NOT NULL,
    documents   INTEGER NOT NULL,
    domains     INTEGER NOT NULL,
    mentions    BIGINT NOT NULL,
    PRIMARY KEY (group_key, week_start)
);
COMMENT ON TABLE term_week_stats IS 'One row per unsupported term group per week in which a page using it was fetched: the counts of weekly_term_counts, kept as a table for trends over many weeks. Rebuilt with term_stats.';
COMMENT ON COLUMN term_week_stats.group_key IS 'The term group (term_groups.group_key).';
COMMENT ON COLUMN term_week_stats.week_start IS 'Monday (UTC) of the fetch week.';
COMMENT ON COLUMN term_week_stats.documents IS 'Documents fetched that week using the term, unsupported.';
COMMENT ON COLUMN term_week_stats.domains IS 'Hosts of those documents.';
COMMENT ON COLUMN term_week_stats.mentions IS 'Mentions in those documents.';

CREATE TABLE host_term_stats (
    host       VARCHAR PRIMARY KEY,
    source     VARCHAR NOT NULL,
    terms      INTEGER NOT NULL,
    pages      INTEGER NOT NULL,
    documents  INTEGER NOT NULL,
    mentions   BIGINT NOT NULL
);
COMMENT ON TABLE host_term_stats IS 'One row per host with any unsupported term: how many term groups its pages use, on how many pages. Derived from term_mentions and documents; rebuilt with term_stats.';
COMMENT ON COLUMN host_term_stats.host IS 'The host (documents.host).';
COMMENT ON COLUMN host_term_stats.source IS 'The crawl source its documents came from (the first by name if several configured sources share the host).';
COMMENT ON COLUMN host_term_stats.terms IS 'Distinct unsupported term groups used on the host.';
COMMENT ON COLUMN host_term_stats.pages IS 'Distinct URLs of the host using any of them.';
COMMENT ON COLUMN host_term_stats.documents IS 'Documents (page versions) using any of them.';
COMMENT ON COLUMN host_term_stats.mentions IS 'Their mentions, each version of a page counted (not analyses a reprocess replaced).';

-- The host of term_stats.first_url, so "where did it spread next" needs no join back to the
-- documents. Filled by the refresh that follows every migration.
ALTER TABLE term_stats ADD COLUMN first_host VARCHAR;
COMMENT ON COLUMN term_stats.first_host IS 'The host of first_url.';
