-- v_documents: one row per analysed document version, with its first-seen week and counts.
CREATE OR REPLACE VIEW v_documents AS
SELECT
    d.doc_id, d.url, d.host, d.source, d.title, d.published, d.language, d.text_length,
    date_trunc('week', d.first_seen_window)::DATE AS first_seen_week,
    (SELECT count(*) FROM term_mentions t WHERE t.doc_id = d.doc_id AND NOT t.supported) AS unsupported_terms,
    (SELECT count(*) FROM dosing_mentions m WHERE m.doc_id = d.doc_id) AS dosing_mentions,
    (SELECT count(*) FROM claims c WHERE c.doc_id = d.doc_id) AS claims,
    (SELECT count(*) FROM document_flags f WHERE f.doc_id = d.doc_id) AS flags,
    d.extractor_version, d.content_hash, d.warc_file, d.warc_offset
FROM documents d;
