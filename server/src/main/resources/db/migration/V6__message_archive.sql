-- The message archives (XEP-0313) of accounts and of group chat rooms, and the accounts' archiving
-- preferences. Written in the SQL that H2 2.x and PostgreSQL share.
-- id is a stanza id of the server (org.skein.stanzaid.StanzaIdGenerator): 19 characters whose string
-- order is their time order, so "the last 50", "50 after id X" and "from T1 to T2" are all ranges of
-- the primary key (owner, id); a query with a contact uses (username, with_bare, id).

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
-- the retention limit removes what is older than a time, across accounts
CREATE INDEX skein_archive_age ON skein_archive (id);

-- Archiving preferences (XEP-0441): the default (always, never, roster) and the JIDs always or never archived.
CREATE TABLE skein_archive_prefs (
    username      VARCHAR(1023) NOT NULL PRIMARY KEY REFERENCES skein_user (username) ON DELETE CASCADE,
    default_mode  VARCHAR(8)    NOT NULL
);

CREATE TABLE skein_archive_pref_jid (
    username  VARCHAR(1023) NOT NULL REFERENCES skein_user (username) ON DELETE CASCADE,
    jid       VARCHAR(2047) NOT NULL,
    always    BOOLEAN       NOT NULL,
    PRIMARY KEY (username, jid)
);

-- A room's archive: room is the room's bare JID (rooms that are not persistent have no row in
-- skein_muc_room, so there is no foreign key; a destroyed room's archive is removed by the server).
-- with_bare is the room's JID and with_resource the sender's nick (a query "with" an occupant's JID).
CREATE TABLE skein_muc_archive (
    room           VARCHAR(1279)    NOT NULL,
    id             VARCHAR(19)      NOT NULL,
    stamp          BIGINT           NOT NULL,
    with_bare      VARCHAR(2047)    NOT NULL,
    with_resource  VARCHAR(1023)    NULL,
    outgoing       BOOLEAN          NOT NULL,
    stanza         VARCHAR(1048576) NOT NULL,
    PRIMARY KEY (room, id)
);

CREATE INDEX skein_muc_archive_age ON skein_muc_archive (id);
