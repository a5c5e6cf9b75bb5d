-- select_batch_volume: one row per page fetch of load $1; its count is compared with earlier loads.
SELECT url_hash FROM fetches WHERE load_id = $1 AND kind = 'page'
