-- The indexes of the comments by author and by time: dropped while a whole
-- archive is written at once, and made again after (a sort, not millions of
-- inserts); made at every open, should a stopped first ingest have left the
-- store without them.
CREATE INDEX IF NOT EXISTS comments_by_author ON comments (author);
CREATE INDEX IF NOT EXISTS comments_by_time ON comments (posted_at);
