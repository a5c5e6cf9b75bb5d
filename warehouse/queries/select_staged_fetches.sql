-- select_staged_fetches: one row per staged fetch (the pages suite checks these).
SELECT * FROM staging.batch_fetches
