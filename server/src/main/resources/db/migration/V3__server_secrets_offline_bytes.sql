-- Secrets the nodes of a cluster share (e.g. the key that derives made-up SCRAM salts for usernames
-- that do not exist, so that every node answers the same). Created by the first node that needs one.
CREATE TABLE skein_server_secret (
    name        VARCHAR(64)   NOT NULL PRIMARY KEY,
    secret      VARCHAR(255)  NOT NULL,
    created_at  BIGINT        NOT NULL
);

-- The size of each offline message in bytes (UTF-8), for the byte quota per user.
ALTER TABLE skein_offline_message ADD COLUMN stanza_bytes INTEGER DEFAULT 0 NOT NULL;
UPDATE skein_offline_message SET stanza_bytes = OCTET_LENGTH(stanza);
