-- What the extractors found in each document: terms, dosing language, claims and flags.

CREATE TABLE term_groups (
    group_key        VARCHAR PRIMARY KEY,
    display_term     VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL
);
COMMENT ON TABLE term_groups IS 'One row per term group: the spellings of one term across all documents.';
COMMENT ON COLUMN term_groups.group_key IS 'Normalised spelling the group is named after (lower case, no dots).';
COMMENT ON COLUMN term_groups.kind IS 'acronym or coinage.';

CREATE TABLE term_variants (
    normalized  VARCHAR PRIMARY KEY,
    group_key   VARCHAR NOT NULL
);
COMMENT ON TABLE term_variants IS 'One row per normalised spelling, mapped to its term group ("black recoil" → "black recall").';

CREATE TABLE term_mentions (
    doc_id         VARCHAR NOT NULL,
    normalized     VARCHAR NOT NULL,
    group_key      VARCHAR NOT NULL,
    term           VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    expansions     VARCHAR[] NOT NULL,
    variants       VARCHAR[] NOT NULL,
    supported      BOOLEAN NOT NULL,
    mention_count  INTEGER NOT NULL,
    snippet        VARCHAR,
    origin         VARCHAR NOT NULL DEFAULT 'extractor',
    PRIMARY KEY (doc_id, normalized)
);
COMMENT ON TABLE term_mentions IS 'One row per term group per document.';
COMMENT ON COLUMN term_mentions.supported IS 'True when an offline medical vocabulary recognises the term.';
COMMENT ON COLUMN term_mentions.expansions IS 'Definitions the document gives for the term (an acronym''s long forms).';
COMMENT ON COLUMN term_mentions.origin IS 'extractor (found by the term extractor in this document) or known_term (a known jargon group spotted in the text by the warehouse sweep).';
COMMENT ON COLUMN term_mentions.mention_count IS 'Occurrences of any spelling of the term in the document text.';

CREATE TABLE dosing_mentions (
    doc_id       VARCHAR NOT NULL,
    ordinal      INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    phrase       VARCHAR,
    substance    VARCHAR,
    amount_low   DOUBLE,
    amount_high  DOUBLE,
    unit         VARCHAR,
    frequency    VARCHAR,
    sentence     VARCHAR,
    PRIMARY KEY (doc_id, ordinal)
);
COMMENT ON TABLE dosing_mentions IS 'One row per dosing statement per document, in text order.';
COMMENT ON COLUMN dosing_mentions.kind IS 'amount, maximum, taper (a reduction step), titration, individualised, as_needed or form (a product form: powder, capsule, extract, …).';
COMMENT ON COLUMN dosing_mentions.phrase IS 'Canonical wording ("start low", "2–4 g every six hours") for weekly grouping.';
COMMENT ON COLUMN dosing_mentions.unit IS 'Canonical unit: mg, g, mcg, ml, oz, tsp, tbsp, capsule, tablet, drop, dropper, shell.';

CREATE TABLE claims (
    doc_id     VARCHAR NOT NULL,
    ordinal    INTEGER NOT NULL,
    sentence   VARCHAR NOT NULL,
    substance  VARCHAR,
    effect     VARCHAR,
    condition  VARCHAR,
    hedged     BOOLEAN NOT NULL,
    cited      BOOLEAN NOT NULL,
    PRIMARY KEY (doc_id, ordinal)
);
COMMENT ON TABLE claims IS 'One row per claim sentence per document: substance → effect → condition.';
COMMENT ON COLUMN claims.cited IS 'The sentence carries a citation: an outbound link, [n], (Author, year), DOI or PMID.';

CREATE TABLE document_flags (
    doc_id  VARCHAR NOT NULL,
    kind    VARCHAR NOT NULL,
    detail  VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, kind, detail)
);
COMMENT ON TABLE document_flags IS 'One row per flag raised on a document (unsupported_term, inconsistent_definition, vague_dosing, uncited_claim).';
