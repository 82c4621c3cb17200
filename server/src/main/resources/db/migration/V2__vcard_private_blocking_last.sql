-- vCards (XEP-0054), private XML (XEP-0049), block lists (XEP-0191) and last activity (XEP-0012).
-- Written in the SQL that H2 2.x and PostgreSQL share. Every table references the account with
-- ON DELETE CASCADE: removing an account by any path (in band, admin console, command line) removes
-- all of it. XML columns hold up to 10 MiB characters (PostgreSQL's limit for VARCHAR(n)).

CREATE TABLE skein_vcard (
    username    VARCHAR(1023)     NOT NULL PRIMARY KEY REFERENCES skein_user (username) ON DELETE CASCADE,
    vcard       VARCHAR(10485760) NOT NULL,
    updated_at  BIGINT            NOT NULL
);

-- One row per namespace: the XML of the elements stored in it, and its size in UTF-8 bytes (for the
-- per-account limit).
CREATE TABLE skein_private_xml (
    username    VARCHAR(1023)     NOT NULL REFERENCES skein_user (username) ON DELETE CASCADE,
    namespace   VARCHAR(1023)     NOT NULL,
    xml         VARCHAR(10485760) NOT NULL,
    bytes       INTEGER           NOT NULL,
    PRIMARY KEY (username, namespace)
);

CREATE TABLE skein_block_item (
    username    VARCHAR(1023) NOT NULL REFERENCES skein_user (username) ON DELETE CASCADE,
    jid         VARCHAR(2047) NOT NULL,
    PRIMARY KEY (username, jid)
);

-- The last time a session of the user ended or sent unavailable presence, and that presence's status.
CREATE TABLE skein_last_activity (
    username    VARCHAR(1023) NOT NULL PRIMARY KEY REFERENCES skein_user (username) ON DELETE CASCADE,
    stamp       BIGINT        NOT NULL,
    status      VARCHAR(1024) NOT NULL
);
