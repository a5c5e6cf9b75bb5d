-- Write–audit–publish: a batch is staged (schema staging), audited with Great Expectations,
-- and only then merged. Rows that break a row-level expectation are kept here, not merged.

CREATE TABLE quarantine (
    load_id      VARCHAR NOT NULL,
    relation     VARCHAR NOT NULL,
    row_key      VARCHAR NOT NULL,
    suite        VARCHAR NOT NULL,
    expectation  VARCHAR NOT NULL,
    column_name  VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    row_json     VARCHAR NOT NULL,
    PRIMARY KEY (load_id, relation, row_key, expectation, column_name)
);
COMMENT ON TABLE quarantine IS 'One row per staged row and expectation it broke: the row was not merged (nor were rows that depend on it, such as a quarantined document''s mentions).';
COMMENT ON COLUMN quarantine.load_id IS 'The batch the row came in.';
COMMENT ON COLUMN quarantine.relation IS 'The staged relation: fetches, documents, term_mentions, dosing, claims, ….';
COMMENT ON COLUMN quarantine.row_key IS 'The row''s natural key, as JSON.';
COMMENT ON COLUMN quarantine.suite IS 'The expectation suite that failed it, or cascade (its document was quarantined).';
COMMENT ON COLUMN quarantine.expectation IS 'Great Expectations expectation type, or the rule that cascaded.';
COMMENT ON COLUMN quarantine.column_name IS 'The column checked.';
COMMENT ON COLUMN quarantine.severity IS 'critical (the batch was blocked) or warning (the rest was published).';
COMMENT ON COLUMN quarantine.reason IS 'The value that broke the expectation, and the bound.';
COMMENT ON COLUMN quarantine.row_json IS 'The whole staged row, as JSON, for inspection or replay.';

COMMENT ON COLUMN check_results.column_name IS 'The column checked ("a>b" for a pair of columns, "a+b" for a compound key, "table" for table-level expectations).';
