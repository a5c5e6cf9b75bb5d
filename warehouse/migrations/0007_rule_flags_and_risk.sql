-- Claim rules (config/rules.yaml) write document_flags rows with a severity, the evidence and
-- where it is in the text; a document's risk score sums the rules it trips.

ALTER TABLE document_flags ADD COLUMN origin VARCHAR DEFAULT 'extractor';
ALTER TABLE document_flags ADD COLUMN severity VARCHAR;
ALTER TABLE document_flags ADD COLUMN evidence VARCHAR;
ALTER TABLE document_flags ADD COLUMN start_offset INTEGER;
ALTER TABLE document_flags ADD COLUMN end_offset INTEGER;
COMMENT ON TABLE document_flags IS 'One row per flag on a document: the extractor''s signals (origin extractor) and the claim rules of config/rules.yaml (origin rules; kind is the rule id).';
COMMENT ON COLUMN document_flags.origin IS 'extractor (raised while analysing the page) or rules (a claim rule of config/rules.yaml).';
COMMENT ON COLUMN document_flags.severity IS 'The rule''s severity: high, medium or low (NULL for extractor flags).';
COMMENT ON COLUMN document_flags.evidence IS 'The words that tripped the rule, as the page writes them.';
COMMENT ON COLUMN document_flags.start_offset IS 'Character offset of the evidence in documents.text (NULL when not found verbatim).';
COMMENT ON COLUMN document_flags.end_offset IS 'Character offset just after the evidence.';

CREATE TABLE document_risk (
    doc_id       VARCHAR PRIMARY KEY,
    risk_score   INTEGER NOT NULL,
    rules        VARCHAR[] NOT NULL,
    rules_hash   VARCHAR NOT NULL
);
COMMENT ON TABLE document_risk IS 'One row per document the claim rules evaluated: its risk score.';
COMMENT ON COLUMN document_risk.doc_id IS 'The document.';
COMMENT ON COLUMN document_risk.risk_score IS '0–100: the weight of the rules it trips over the weight of all enabled rules.';
COMMENT ON COLUMN document_risk.rules IS 'The rule ids it trips.';
COMMENT ON COLUMN document_risk.rules_hash IS 'sha256 prefix of config/rules.yaml as evaluated, so a retuned rule set is visible.';
