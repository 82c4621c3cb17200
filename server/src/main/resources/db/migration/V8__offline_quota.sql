-- What each user's offline storage holds (messages, bytes of stanzas), kept in the same transaction as every
-- insert and delete of skein_offline_message: the quota check reads one row instead of counting the user's
-- messages (with 100,000 messages waiting, each new one cost a count of them all), and concurrent stores for
-- one user wait for each other on this row, so the quota holds exactly. Written in the SQL that H2 2.x and
-- PostgreSQL share.
CREATE TABLE skein_offline_quota (
    username  VARCHAR(1023) NOT NULL PRIMARY KEY REFERENCES skein_user (username) ON DELETE CASCADE,
    messages  INTEGER       NOT NULL,
    bytes     BIGINT        NOT NULL
);

INSERT INTO skein_offline_quota (username, messages, bytes)
    SELECT username, COUNT(*), COALESCE(SUM(stanza_bytes), 0) FROM skein_offline_message GROUP BY username;
