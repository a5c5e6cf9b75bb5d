-- select_latest_window_end: the end of the newest crawl window loaded (windows are 7 days).
SELECT max(window_start) + INTERVAL 7 DAY FROM loads;
