-- term_hosts: one row per unsupported term group per host that used it: the first week a page of that host using it was fetched, and how many documents, pages and mentions.
-- Kept as the table term_host_stats, rebuilt by every load (warehouse/queries/refresh_term_stats.sql),
-- for questions over the whole history (where a term spread, which hosts use the most jargon).
CREATE OR REPLACE VIEW term_hosts AS
SELECT group_key, host, first_week, documents, pages, mentions
FROM term_host_stats;
