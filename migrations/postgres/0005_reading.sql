-- How far a guide was read and for how long, sent by the page's reading beacon when
-- JavaScript is on (0 until then). Kept on the content view event it belongs to.
ALTER TABLE journey_events ADD COLUMN read_depth BIGINT NOT NULL DEFAULT 0;
ALTER TABLE journey_events ADD COLUMN read_seconds BIGINT NOT NULL DEFAULT 0;
