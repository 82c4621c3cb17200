-- Publish-subscribe (XEP-0060): the service at pubsub.<domain> and every account's PEP service
-- (XEP-0163). A service is named by a string: the component's domain, or the owner's bare JID.
-- Written in the SQL that H2 2.x and PostgreSQL share.

CREATE TABLE skein_pubsub_node (
    service         VARCHAR(1023)  NOT NULL,
    node            VARCHAR(1023)  NOT NULL,
    -- the account of a PEP service: its nodes go with the account
    owner_username  VARCHAR(1023)  REFERENCES skein_user (username) ON DELETE CASCADE,
    creator         VARCHAR(3071)  NOT NULL,
    created_at      BIGINT         NOT NULL,
    -- the node configuration as "var=value" lines (values escaped)
    config          VARCHAR(65536) NOT NULL,
    -- bumped by every change of the node; items carry the version that published them
    version         BIGINT         NOT NULL,
    PRIMARY KEY (service, node)
);

CREATE INDEX skein_pubsub_node_owner ON skein_pubsub_node (owner_username);

CREATE TABLE skein_pubsub_affiliation (
    service      VARCHAR(1023) NOT NULL,
    node         VARCHAR(1023) NOT NULL,
    jid          VARCHAR(3071) NOT NULL,
    affiliation  VARCHAR(16)   NOT NULL,
    PRIMARY KEY (service, node, jid),
    FOREIGN KEY (service, node) REFERENCES skein_pubsub_node (service, node) ON DELETE CASCADE
);

CREATE TABLE skein_pubsub_subscription (
    service       VARCHAR(1023) NOT NULL,
    node          VARCHAR(1023) NOT NULL,
    subid         VARCHAR(64)   NOT NULL,
    jid           VARCHAR(3071) NOT NULL,
    state         VARCHAR(16)   NOT NULL,
    -- subscription options as "var=value" lines
    options       VARCHAR(8192) NOT NULL,
    -- pubsub#expire=presence: the id of the node that holds the subscriber's session, else NULL
    session_node  VARCHAR(128),
    created_at    BIGINT        NOT NULL,
    PRIMARY KEY (service, node, subid),
    FOREIGN KEY (service, node) REFERENCES skein_pubsub_node (service, node) ON DELETE CASCADE
);

CREATE INDEX skein_pubsub_subscription_jid ON skein_pubsub_subscription (jid);
CREATE INDEX skein_pubsub_subscription_session ON skein_pubsub_subscription (session_node);

CREATE TABLE skein_pubsub_item (
    service     VARCHAR(1023)    NOT NULL,
    node        VARCHAR(1023)    NOT NULL,
    item_id     VARCHAR(1023)    NOT NULL,
    seq         BIGINT           NOT NULL,
    publisher   VARCHAR(3071)    NOT NULL,
    created_at  BIGINT           NOT NULL,
    payload     VARCHAR(1048576) NOT NULL,
    PRIMARY KEY (service, node, item_id),
    FOREIGN KEY (service, node) REFERENCES skein_pubsub_node (service, node) ON DELETE CASCADE
);

CREATE INDEX skein_pubsub_item_seq ON skein_pubsub_item (service, node, seq);
