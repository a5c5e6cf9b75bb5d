-- host_term_counts: one row per host with any unsupported term: its source, how many term groups its pages use, on how many pages and documents, with how many mentions (each version of a page counted; not analyses a reprocess replaced).
-- Kept as the table host_term_stats, rebuilt by every load (warehouse/queries/refresh_term_stats.sql).
CREATE OR REPLACE VIEW host_term_counts AS
SELECT host, source, terms, pages, documents, mentions
FROM host_term_stats;
