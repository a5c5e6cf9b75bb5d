-- Records of the pipeline's own runs: loads, data-quality checks and reports.

CREATE TABLE loads (
    load_id       VARCHAR PRIMARY KEY,
    window_start  TIMESTAMP NOT NULL,
    fetches       INTEGER NOT NULL,
    documents     INTEGER NOT NULL,
    errors        INTEGER NOT NULL
);
COMMENT ON TABLE loads IS 'One row per loaded batch; the load_id is derived from the batch files, so a re-run reuses it.';

CREATE TABLE check_runs (
    check_run_id  VARCHAR PRIMARY KEY,
    load_id       VARCHAR NOT NULL,
    suite         VARCHAR NOT NULL,
    rows_checked  INTEGER NOT NULL,
    success       BOOLEAN NOT NULL,
    evaluated     INTEGER NOT NULL,
    failed        INTEGER NOT NULL
);
COMMENT ON TABLE check_runs IS 'One row per Great Expectations suite run on a loaded batch.';

CREATE TABLE check_results (
    check_run_id      VARCHAR NOT NULL,
    expectation       VARCHAR NOT NULL,
    column_name       VARCHAR NOT NULL,
    severity          VARCHAR NOT NULL,
    success           BOOLEAN NOT NULL,
    unexpected_count  BIGINT,
    detail            VARCHAR,
    PRIMARY KEY (check_run_id, expectation, column_name)
);
COMMENT ON TABLE check_results IS 'One row per expectation per check run.';
COMMENT ON COLUMN check_results.severity IS 'critical (fails the task) or warning (reported only).';

CREATE TABLE report_runs (
    week_start  DATE PRIMARY KEY,
    html_path   VARCHAR NOT NULL,
    email_path  VARCHAR,
    delivery    VARCHAR NOT NULL,
    recipients  VARCHAR NOT NULL,
    terms       INTEGER NOT NULL,
    dosing      INTEGER NOT NULL
);
COMMENT ON TABLE report_runs IS 'One row per weekly report built; delivery is outbox or smtp.';
