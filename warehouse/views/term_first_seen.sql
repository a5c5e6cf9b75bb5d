-- term_first_seen: one row per unsupported term group: when the extractor first found it
-- (a term is "new" in that week), where, and how widely it has been seen since. Mentions the
-- known-term sweep later finds in older pages count for spread, not for first detection.
-- Kept as the table term_stats, rebuilt by every load (warehouse/queries/refresh_term_stats.sql).
CREATE OR REPLACE VIEW term_first_seen AS
SELECT group_key, first_seen_week, first_url, first_host, weeks_seen, documents, domains
FROM term_stats;
