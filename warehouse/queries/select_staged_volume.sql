-- select_staged_volume: one row per staged page fetch; its count is compared with earlier loads.
SELECT url_hash FROM staging.batch_fetches WHERE kind = 'page'
