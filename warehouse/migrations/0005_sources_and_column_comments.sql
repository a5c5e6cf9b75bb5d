-- The configured sources as each load saw them, and a comment on every column, so
-- docs/warehouse.md (claimwatch docs) documents the whole schema from the live database.

CREATE TABLE sources (
    name               VARCHAR PRIMARY KEY,
    hosts              VARCHAR[] NOT NULL,
    seeds              VARCHAR[] NOT NULL,
    sitemaps           VARCHAR[] NOT NULL,
    feeds              VARCHAR[] NOT NULL,
    max_depth          INTEGER NOT NULL,
    max_pages          INTEGER NOT NULL,
    delay_seconds      DOUBLE NOT NULL,
    crawl_every_weeks  INTEGER NOT NULL,
    first_load_id      VARCHAR NOT NULL,
    last_load_id       VARCHAR NOT NULL
);
COMMENT ON TABLE sources IS 'One row per configured source (config/sources.yaml) as of the latest load that crawled it.';
COMMENT ON COLUMN sources.name IS 'The source name; fetches, pages and documents carry it.';
COMMENT ON COLUMN sources.hosts IS 'Hosts of its seeds, sitemaps and feeds: the crawl''s scope.';
COMMENT ON COLUMN sources.seeds IS 'Start pages.';
COMMENT ON COLUMN sources.sitemaps IS 'Sitemaps (and sitemap indexes) read for URLs and lastmod dates.';
COMMENT ON COLUMN sources.feeds IS 'RSS and Atom feeds read for URLs and dates.';
COMMENT ON COLUMN sources.max_depth IS 'Link hops followed from seeds, sitemap and feed entries.';
COMMENT ON COLUMN sources.max_pages IS 'Page fetches per crawl window.';
COMMENT ON COLUMN sources.delay_seconds IS 'Seconds between requests to one host (robots.txt Crawl-delay wins if larger).';
COMMENT ON COLUMN sources.crawl_every_weeks IS '1: crawled every week; 2: every other week; …';
COMMENT ON COLUMN sources.first_load_id IS 'The first load that crawled this source.';
COMMENT ON COLUMN sources.last_load_id IS 'The latest load that crawled this source (its configuration is the one shown).';

COMMENT ON TABLE schema_migrations IS 'One row per applied migration (warehouse/migrations/NNNN_name.sql).';
COMMENT ON COLUMN schema_migrations.version IS 'The migration number, NNNN.';
COMMENT ON COLUMN schema_migrations.name IS 'The migration file name without .sql.';

COMMENT ON COLUMN fetches.source IS 'The configured source whose crawl made the request.';
COMMENT ON COLUMN fetches.url IS 'The URL requested, normalised (no fragment, tracking parameters or default port).';
COMMENT ON COLUMN fetches.final_url IS 'The URL after redirects (the URL itself when there were none).';
COMMENT ON COLUMN fetches.host IS 'host[:port] of final_url, lower case.';
COMMENT ON COLUMN fetches.status IS 'HTTP status of the last response; NULL when no response came.';
COMMENT ON COLUMN fetches.content_type IS 'Media type from Content-Type, without parameters.';
COMMENT ON COLUMN fetches.size_bytes IS 'Body size after decompression; 0 without a body.';
COMMENT ON COLUMN fetches.etag IS 'ETag response header, sent back as If-None-Match next time.';
COMMENT ON COLUMN fetches.last_modified IS 'Last-Modified response header, sent back as If-Modified-Since next time.';
COMMENT ON COLUMN fetches.error IS 'Why the outcome is not fetched (v_fetch_log.reason).';

COMMENT ON COLUMN pages.url_hash IS 'sha256 of the normalised URL (32 hex chars).';
COMMENT ON COLUMN pages.url IS 'The page URL (after redirects).';
COMMENT ON COLUMN pages.host IS 'host[:port] of the URL, lower case.';
COMMENT ON COLUMN pages.source IS 'The source whose crawl first found the page.';

COMMENT ON COLUMN documents.url_hash IS 'sha256 of the page URL (32 hex chars); with content_hash and extractor_version, the natural key.';
COMMENT ON COLUMN documents.url IS 'The page URL (after redirects).';
COMMENT ON COLUMN documents.host IS 'host[:port] of the URL, lower case.';
COMMENT ON COLUMN documents.source IS 'The source whose crawl fetched this version.';
COMMENT ON COLUMN documents.content_hash IS 'sha256 of the decoded body.';
COMMENT ON COLUMN documents.extractor_version IS 'The extractors'' version that produced this row and its mentions.';
COMMENT ON COLUMN documents.title IS 'Page title from the metadata.';
COMMENT ON COLUMN documents.canonical_url IS 'The page''s rel=canonical URL, when it declares one.';
COMMENT ON COLUMN documents.text IS 'Main text, boilerplate removed (trafilatura).';
COMMENT ON COLUMN documents.text_length IS 'Characters of main text.';
COMMENT ON COLUMN documents.load_id IS 'The load that wrote this row.';

COMMENT ON COLUMN document_sightings.doc_id IS 'The document version seen.';
COMMENT ON COLUMN document_sightings.window_start IS 'Start of the crawl window (UTC) in which it was seen.';
COMMENT ON COLUMN document_sightings.fetched_at IS 'When the response (or the 304 confirming it) arrived (UTC).';
COMMENT ON COLUMN document_sightings.load_id IS 'The load that recorded the sighting.';

COMMENT ON COLUMN extract_errors.window_start IS 'Start of the crawl window (UTC).';
COMMENT ON COLUMN extract_errors.url IS 'The page that could not be analysed.';
COMMENT ON COLUMN extract_errors.content_hash IS 'sha256 of the body that failed.';
COMMENT ON COLUMN extract_errors.error IS 'Why: no main text, or the exception.';
COMMENT ON COLUMN extract_errors.load_id IS 'The load that recorded the error.';

COMMENT ON COLUMN term_groups.display_term IS 'The spelling shown in reports: the first seen for the group.';
COMMENT ON COLUMN term_variants.normalized IS 'A normalised spelling (lower case, no dots or quotes).';
COMMENT ON COLUMN term_variants.group_key IS 'The term group the spelling belongs to.';

COMMENT ON COLUMN term_mentions.doc_id IS 'The document.';
COMMENT ON COLUMN term_mentions.normalized IS 'The normalised spelling found in this document.';
COMMENT ON COLUMN term_mentions.group_key IS 'The term group across documents (term_groups).';
COMMENT ON COLUMN term_mentions.term IS 'The spelling as the document writes it most.';
COMMENT ON COLUMN term_mentions.kind IS 'acronym or coinage.';
COMMENT ON COLUMN term_mentions.variants IS 'Every spelling of the term in this document.';
COMMENT ON COLUMN term_mentions.snippet IS 'The first sentence that uses the term (up to 300 characters).';

COMMENT ON COLUMN dosing_mentions.doc_id IS 'The document.';
COMMENT ON COLUMN dosing_mentions.ordinal IS 'Position among the document''s dosing statements.';
COMMENT ON COLUMN dosing_mentions.text IS 'The words matched ("2–4 grams every six hours").';
COMMENT ON COLUMN dosing_mentions.substance IS 'The substance the dose belongs to: named in the sentence, else earlier, else the page''s main substance.';
COMMENT ON COLUMN dosing_mentions.amount_low IS 'Lower bound of an explicit amount, in unit; NULL for non-numeric advice.';
COMMENT ON COLUMN dosing_mentions.amount_high IS 'Upper bound (equal to amount_low for a single amount).';
COMMENT ON COLUMN dosing_mentions.frequency IS 'How often, as written ("every six hours", "twice daily").';
COMMENT ON COLUMN dosing_mentions.sentence IS 'The sentence it came from.';

COMMENT ON COLUMN claims.doc_id IS 'The document.';
COMMENT ON COLUMN claims.ordinal IS 'Position among the document''s claims.';
COMMENT ON COLUMN claims.sentence IS 'The claim sentence.';
COMMENT ON COLUMN claims.substance IS 'Canonical substance name (config/lexicons/substances.yaml).';
COMMENT ON COLUMN claims.effect IS 'Base form of the effect verb ("ease", "cure", "reduce").';
COMMENT ON COLUMN claims.condition IS 'The condition acted on, as written (lower case).';
COMMENT ON COLUMN claims.hedged IS 'The sentence hedges: may, might, potentially, some users say, ….';

COMMENT ON COLUMN document_flags.doc_id IS 'The document.';
COMMENT ON COLUMN document_flags.kind IS 'unsupported_term, inconsistent_definition, vague_dosing, uncited_claim, vague_attribution, absolute_safety, disease_claim or non_english.';
COMMENT ON COLUMN document_flags.detail IS 'What was flagged, with the words that triggered it.';

COMMENT ON COLUMN loads.load_id IS 'Derived from the crawl window, so re-loading a window replaces its load.';
COMMENT ON COLUMN loads.window_start IS 'Start of the crawl window (UTC).';
COMMENT ON COLUMN loads.fetches IS 'Fetch records in the batch.';
COMMENT ON COLUMN loads.documents IS 'Documents analysed in the batch.';
COMMENT ON COLUMN loads.errors IS 'Pages that could not be analysed.';

COMMENT ON COLUMN check_runs.check_run_id IS 'load_id:suite, so re-checking a load replaces its runs.';
COMMENT ON COLUMN check_runs.load_id IS 'The load checked.';
COMMENT ON COLUMN check_runs.suite IS 'fetches, documents, terms, dosing or claims.';
COMMENT ON COLUMN check_runs.rows_checked IS 'Rows of the batch the suite validated.';
COMMENT ON COLUMN check_runs.success IS 'All expectations held.';
COMMENT ON COLUMN check_runs.evaluated IS 'Expectations evaluated.';
COMMENT ON COLUMN check_runs.failed IS 'Expectations that failed.';

COMMENT ON COLUMN check_results.check_run_id IS 'The check run.';
COMMENT ON COLUMN check_results.expectation IS 'Great Expectations expectation type.';
COMMENT ON COLUMN check_results.column_name IS 'The column checked ("a>b" for a pair of columns, "None>None" for table-level expectations).';
COMMENT ON COLUMN check_results.success IS 'The expectation held.';
COMMENT ON COLUMN check_results.unexpected_count IS 'Rows that broke it.';
COMMENT ON COLUMN check_results.detail IS 'Examples of unexpected values, or the error.';

COMMENT ON COLUMN report_runs.week_start IS 'The Monday (UTC) the reported week starts.';
COMMENT ON COLUMN report_runs.html_path IS 'The report written to data/reports/.';
COMMENT ON COLUMN report_runs.email_path IS 'The .eml written to data/outbox/ (outbox delivery).';
COMMENT ON COLUMN report_runs.delivery IS 'outbox or smtp.';
COMMENT ON COLUMN report_runs.recipients IS 'Comma-separated addresses.';
COMMENT ON COLUMN report_runs.terms IS 'Unsupported term groups in the report.';
COMMENT ON COLUMN report_runs.dosing IS 'Dosing language rows in the report.';
