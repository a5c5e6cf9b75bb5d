-- v_terms: one row per term group per document, with the group's display name.
CREATE OR REPLACE VIEW v_terms AS
SELECT
    g.display_term AS term, t.group_key, t.term AS spelling, t.kind, t.supported,
    t.mention_count, t.expansions, t.variants, t.snippet, t.origin,
    d.doc_id, d.url, d.host, date_trunc('week', d.first_seen_window)::DATE AS first_seen_week
FROM term_mentions t
JOIN term_groups g USING (group_key)
JOIN documents d USING (doc_id);
