-- select_staged_claims: one row per staged claim.
SELECT * FROM staging.batch_claims
