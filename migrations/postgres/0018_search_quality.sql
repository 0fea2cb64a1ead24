-- Search that finds what people mean. The search documents now hold each product's
-- category names too; every word they hold is listed here, so a word that matches nothing
-- can be corrected to the closest one the catalogue has ("grindr" → "grinder").
CREATE TABLE search_vocabulary (
    word TEXT PRIMARY KEY
);

-- Words shoppers use for the same thing: a search for `word` also finds `means`.
CREATE TABLE search_synonyms (
    word  TEXT NOT NULL,
    means TEXT NOT NULL,
    PRIMARY KEY (word, means)
);
INSERT INTO search_synonyms (word, means) VALUES
    ('jug', 'pitcher'),
    ('mill', 'grinder'),
    ('boiler', 'kettle'),
    ('dripper', 'brewer'),
    ('beans', 'coffee'),
    ('weighing', 'scale'),
    ('cafe', 'commercial');

-- The search documents' format: servers rebuild every document at start-up when theirs
-- is older than the code's (`catalog::repo::SEARCH_DOCUMENT_VERSION`).
CREATE TABLE search_index_state (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO search_index_state (id, version) VALUES (1, 0);
