-- select_staged_terms: one row per staged term mention.
SELECT * FROM staging.batch_term_mentions
