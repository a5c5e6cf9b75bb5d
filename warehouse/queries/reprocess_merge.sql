-- reprocess_merge: replace document versions analysed by an older extractor with their
-- re-analysis (batch_* relations, one crawl window), in one transaction. batch_replaced maps
-- each old doc_id to its new one; sightings move to the new version, so weekly counts stay.

INSERT INTO term_groups BY NAME SELECT * FROM batch_term_groups
ON CONFLICT (group_key) DO NOTHING;
INSERT INTO term_variants BY NAME SELECT * FROM batch_term_variants
ON CONFLICT (normalized) DO NOTHING;

INSERT INTO documents BY NAME SELECT * FROM batch_documents
ON CONFLICT (doc_id) DO UPDATE SET
    title = excluded.title, published = excluded.published, language = excluded.language,
    canonical_url = excluded.canonical_url, text = excluded.text, text_length = excluded.text_length;

-- (The documents' mentions are replaced by replace_mentions.sql, run next in the transaction.)

INSERT INTO document_sightings
SELECT r.new_doc_id AS doc_id, s.window_start, s.fetched_at, s.load_id
FROM document_sightings s JOIN batch_replaced r ON s.doc_id = r.old_doc_id
ON CONFLICT (doc_id, window_start) DO NOTHING;

DELETE FROM document_sightings WHERE doc_id IN (SELECT old_doc_id FROM batch_replaced);
DELETE FROM term_mentions WHERE doc_id IN (SELECT old_doc_id FROM batch_replaced);
DELETE FROM dosing_mentions WHERE doc_id IN (SELECT old_doc_id FROM batch_replaced);
DELETE FROM claims WHERE doc_id IN (SELECT old_doc_id FROM batch_replaced);
DELETE FROM document_flags WHERE doc_id IN (SELECT old_doc_id FROM batch_replaced);
DELETE FROM documents WHERE doc_id IN (SELECT old_doc_id FROM batch_replaced);
