-- Persistent group chat rooms (XEP-0045) and their affiliations. The database is the source of truth
-- for what a persistent room is: its configuration, subject and affiliations. Live state (occupants,
-- history) is kept by the room's home node. Written in the SQL that H2 2.x and PostgreSQL share.

CREATE TABLE skein_muc_room (
    service         VARCHAR(255)   NOT NULL,
    name            VARCHAR(1023)  NOT NULL,
    created_at      BIGINT         NOT NULL,
    salt            VARCHAR(64)    NOT NULL,
    title           VARCHAR(1023)  NOT NULL,
    description     VARCHAR(4000)  NOT NULL,
    public_room     BOOLEAN        NOT NULL,
    members_only    BOOLEAN        NOT NULL,
    moderated       BOOLEAN        NOT NULL,
    password        VARCHAR(1023)  NOT NULL,
    max_users       INTEGER        NOT NULL,
    whois           VARCHAR(16)    NOT NULL,
    change_subject  BOOLEAN        NOT NULL,
    allow_invites   BOOLEAN        NOT NULL,
    allow_pm        VARCHAR(16)    NOT NULL,
    logging         BOOLEAN        NOT NULL,
    history_length  INTEGER        NOT NULL,
    subject         VARCHAR(16384) NULL,
    subject_nick    VARCHAR(1023)  NULL,
    subject_stamp   BIGINT         NULL,
    PRIMARY KEY (service, name)
);

CREATE TABLE skein_muc_affiliation (
    service      VARCHAR(255)  NOT NULL,
    name         VARCHAR(1023) NOT NULL,
    jid          VARCHAR(2047) NOT NULL,
    affiliation  VARCHAR(8)    NOT NULL,
    PRIMARY KEY (service, name, jid),
    FOREIGN KEY (service, name) REFERENCES skein_muc_room (service, name) ON DELETE CASCADE
);
