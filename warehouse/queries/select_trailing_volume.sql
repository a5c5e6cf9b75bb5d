-- select_trailing_volume: page fetches of the (up to) 4 loads before window $1.
SELECT count(*) FILTER (WHERE f.kind = 'page') AS pages
FROM loads l JOIN fetches f USING (load_id)
WHERE l.window_start < $1
GROUP BY l.load_id, l.window_start
ORDER BY l.window_start DESC
LIMIT 4
