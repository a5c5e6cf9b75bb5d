-- The crawl log, pages and documents. Natural keys: URL hash, content hash, extractor version.

CREATE TABLE fetches (
    window_start   TIMESTAMP NOT NULL,
    url_hash       VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    final_url      VARCHAR NOT NULL,
    host           VARCHAR NOT NULL,
    fetched_at     TIMESTAMP NOT NULL,
    status         INTEGER,
    content_type   VARCHAR,
    content_hash   VARCHAR,
    size_bytes     BIGINT,
    etag           VARCHAR,
    last_modified  VARCHAR,
    outcome        VARCHAR NOT NULL,
    error          VARCHAR,
    load_id        VARCHAR NOT NULL,
    PRIMARY KEY (window_start, url_hash, kind)
);
COMMENT ON TABLE fetches IS 'One row per URL, request kind and crawl window: the first outcome in the window, replaced only by a later success.';
COMMENT ON COLUMN fetches.window_start IS 'Start of the crawl window (UTC), from the Airflow data interval.';
COMMENT ON COLUMN fetches.url_hash IS 'sha256 of the normalised requested URL (32 hex chars).';
COMMENT ON COLUMN fetches.kind IS 'page, robots, sitemap or feed.';
COMMENT ON COLUMN fetches.fetched_at IS 'When the response arrived (UTC).';
COMMENT ON COLUMN fetches.outcome IS 'ok, not_modified, http_error, network_error, blocked_robots, blocked_network, too_large, unsupported_type, redirect_loop, too_many_redirects, parse_error.';
COMMENT ON COLUMN fetches.content_hash IS 'sha256 of the decoded body; names the file in data/archive/.';
COMMENT ON COLUMN fetches.load_id IS 'The load batch that wrote this row.';

CREATE TABLE pages (
    url_hash           VARCHAR PRIMARY KEY,
    url                VARCHAR NOT NULL,
    host               VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    first_seen_window  TIMESTAMP NOT NULL
);
COMMENT ON TABLE pages IS 'One row per page URL ever fetched successfully.';
COMMENT ON COLUMN pages.first_seen_window IS 'The first crawl window in which the page was fetched.';

CREATE TABLE documents (
    doc_id             VARCHAR PRIMARY KEY,
    url_hash           VARCHAR NOT NULL,
    url                VARCHAR NOT NULL,
    host               VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    content_hash       VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    title              VARCHAR,
    published          DATE,
    language           VARCHAR,
    canonical_url      VARCHAR,
    text               VARCHAR NOT NULL,
    text_length        INTEGER NOT NULL,
    first_seen_window  TIMESTAMP NOT NULL,
    load_id            VARCHAR NOT NULL
);
COMMENT ON TABLE documents IS 'One row per analysed page version: URL hash × content hash × extractor version.';
COMMENT ON COLUMN documents.doc_id IS 'sha256 of url_hash, content_hash and extractor_version (32 hex chars).';
COMMENT ON COLUMN documents.published IS 'Publication date from the page metadata, when it has one.';
COMMENT ON COLUMN documents.language IS 'ISO 639-1 code from an offline language detector.';
COMMENT ON COLUMN documents.first_seen_window IS 'The first crawl window in which this version was seen.';

CREATE TABLE document_sightings (
    doc_id        VARCHAR NOT NULL,
    window_start  TIMESTAMP NOT NULL,
    fetched_at    TIMESTAMP NOT NULL,
    load_id       VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, window_start)
);
COMMENT ON TABLE document_sightings IS 'One row per document per crawl window in which it was fetched: what was on the web that week.';

CREATE TABLE extract_errors (
    window_start  TIMESTAMP NOT NULL,
    url           VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    error         VARCHAR NOT NULL,
    load_id       VARCHAR NOT NULL,
    PRIMARY KEY (window_start, url, content_hash)
);
COMMENT ON TABLE extract_errors IS 'One row per fetched page that could not be analysed, with the reason.';
