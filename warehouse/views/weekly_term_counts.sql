-- weekly_term_counts: one row per unsupported term group per week: how many documents and domains used it (the light part of weekly_unsupported_terms, for trends over many weeks).
-- Kept as the table term_week_stats, rebuilt by every load (warehouse/queries/refresh_term_stats.sql):
-- counting distinct hosts per group and week over every mention took seconds at a million documents.
CREATE OR REPLACE VIEW weekly_term_counts AS
SELECT week_start, group_key, documents, domains, mentions
FROM term_week_stats;
