-- Whether a delivery has read a kept message and is handing it to its recipient's client. A sender's node that
-- stored a message just as its recipient came online takes it back to deliver it live only while no delivery
-- has claimed it; otherwise both would deliver it (seen as a duplicate at login on PostgreSQL). A claimed row
-- stays until its delivery removes it, and is read again by a later delivery if that one did not finish.
ALTER TABLE skein_offline_message ADD COLUMN claimed BOOLEAN DEFAULT FALSE NOT NULL;
