-- Each term group's first week and spread, kept as a table rebuilt by every load and reprocess
-- (warehouse/queries/refresh_term_stats.sql) rather than computed per query: at a million
-- documents the computation takes seconds, and the weekly views and the report read it often.

CREATE TABLE term_stats (
    group_key        VARCHAR PRIMARY KEY,
    first_seen_week  DATE NOT NULL,
    first_url        VARCHAR NOT NULL,
    weeks_seen       INTEGER NOT NULL,
    documents        INTEGER NOT NULL,
    domains          INTEGER NOT NULL
);
COMMENT ON TABLE term_stats IS 'One row per unsupported term group: when it was first seen, where, and how widely since. Derived from term_mentions and document_sightings; rebuilt in the same transaction as every load and reprocess.';
COMMENT ON COLUMN term_stats.group_key IS 'The term group (term_groups.group_key).';
COMMENT ON COLUMN term_stats.first_seen_week IS 'Monday (UTC) of the first week the term extractor found the term; for a group only the known-term sweep found, its first sighting.';
COMMENT ON COLUMN term_stats.first_url IS 'A page of that first week (the first by URL order).';
COMMENT ON COLUMN term_stats.weeks_seen IS 'Weeks in which any page using the term was fetched.';
COMMENT ON COLUMN term_stats.documents IS 'Documents (page versions) using the term, unsupported.';
COMMENT ON COLUMN term_stats.domains IS 'Hosts of those documents.';
