-- The indexes of the comments by author and by time: dropped while a whole
-- archive is written at once, and made again after (a sort, not millions of
-- inserts); made at every open, should a stopped first ingest have left the
-- store without them.
-- Both cover what the lists of comments page by (time and size), so an
-- author's or the archive's list is read from the index alone (and who
-- was most active in a period).
CREATE INDEX IF NOT EXISTS comments_by_author ON comments (author, posted_at, bytes, lines);
CREATE INDEX IF NOT EXISTS comments_by_time ON comments (posted_at, bytes, lines, author);
