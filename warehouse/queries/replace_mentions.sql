-- replace_mentions: the mentions of the batch's documents (batch_documents) replaced wholesale
-- by the batch's (batch_term_mentions, batch_dosing, batch_claims, batch_flags). Mentions are
-- facts about a document version; the known-term sweep that follows re-adds what it finds, so
-- the result is the same on every re-run. Used by a load (merge_batch) and by reprocessing.
DELETE FROM term_mentions WHERE doc_id IN (SELECT doc_id FROM batch_documents);
DELETE FROM dosing_mentions WHERE doc_id IN (SELECT doc_id FROM batch_documents);
DELETE FROM claims WHERE doc_id IN (SELECT doc_id FROM batch_documents);
DELETE FROM document_flags WHERE doc_id IN (SELECT doc_id FROM batch_documents);
INSERT INTO term_mentions BY NAME SELECT * FROM batch_term_mentions;
INSERT INTO dosing_mentions BY NAME SELECT * FROM batch_dosing;
INSERT INTO claims BY NAME SELECT * FROM batch_claims;
INSERT INTO document_flags BY NAME SELECT * FROM batch_flags;
