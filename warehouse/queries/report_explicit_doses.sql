-- report_explicit_doses: one row per substance and explicit dose (amount, range, maximum or
-- taper, with its unit and frequency) in documents seen in the week starting $1.
WITH week_docs AS (
    SELECT DISTINCT doc_id FROM v_weekly_sightings WHERE week_start = $1
), doses AS (
    SELECT coalesce(substance, 'unspecified') AS substance, kind, amount_low, amount_high, unit,
           coalesce(frequency, '') AS frequency, doc_id, host, url, text
    FROM v_dosing
    WHERE kind IN ('amount', 'maximum', 'taper') AND doc_id IN (SELECT doc_id FROM week_docs)
)
SELECT
    substance, kind, amount_low, amount_high, unit, frequency,
    count(DISTINCT doc_id) AS documents, count(DISTINCT host) AS domains,
    arg_min(text, (url, text)) AS example_text, min(url) AS example_url
FROM doses
GROUP BY substance, kind, amount_low, amount_high, unit, frequency
ORDER BY substance = 'unspecified', substance, kind = 'maximum' DESC, kind, unit, amount_low,
         amount_high, frequency
