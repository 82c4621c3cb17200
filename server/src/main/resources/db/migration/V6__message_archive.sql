-- The message archive (XEP-0313) of every account. Written in the SQL that H2 2.x and PostgreSQL share.
-- id is a stanza id of the server (org.skein.stanzaid.StanzaIdGenerator): 19 characters whose string
-- order is their time order, so "the last 50", "50 after id X" and "from T1 to T2" are all ranges of
-- the primary key (username, id); a query with a contact uses (username, with_bare, id).

CREATE TABLE skein_archive (
    username       VARCHAR(1023)    NOT NULL REFERENCES skein_user (username) ON DELETE CASCADE,
    id             VARCHAR(19)      NOT NULL,
    stamp          BIGINT           NOT NULL,
    with_bare      VARCHAR(2047)    NOT NULL,
    with_resource  VARCHAR(1023)    NULL,
    outgoing       BOOLEAN          NOT NULL,
    stanza         VARCHAR(1048576) NOT NULL,
    PRIMARY KEY (username, id)
);

CREATE INDEX skein_archive_with ON skein_archive (username, with_bare, id);
