-- select_staged_dosing: one row per staged dosing mention.
SELECT * FROM staging.batch_dosing
