-- select_batch_fetches: one row per fetch written by load $1.
SELECT * FROM fetches WHERE load_id = $1
