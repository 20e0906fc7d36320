-- threadview's store: the parsed archive. docs/SCHEMA.md describes every
-- table and column; a change here is a new SCHEMA_VERSION (store/mod.rs),
-- and a store of another version is made again from the documents.

-- Every document file of the archive folder, as last read.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'thread', 'dump')),
    size INTEGER,
    modified_ns INTEGER,
    hash TEXT
);

-- Everyone who commented, with their comments counted (kept up to date by
-- each write: an author with no comment left counts 0).
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    comment_count INTEGER NOT NULL DEFAULT 0,
    discussion_count INTEGER NOT NULL DEFAULT 0,
    first_at INTEGER,
    last_at INTEGER
);

CREATE TABLE discussions (
    id INTEGER PRIMARY KEY,
    -- The file that made it (NULL: the dumps; -1: set aside, see hidden).
    file INTEGER,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT,
    submitter TEXT,
    community_kind TEXT CHECK (community_kind IN ('subreddit', 'source')),
    community TEXT,
    comment_count INTEGER NOT NULL,
    first_at INTEGER,
    last_at INTEGER,
    scores INTEGER NOT NULL DEFAULT 0,
    months TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL,
    post INTEGER NOT NULL,
    post_id TEXT,
    subreddit TEXT,
    posted_at INTEGER,
    score INTEGER,
    upvote_permille INTEGER,
    num_comments INTEGER,
    flair TEXT,
    nsfw INTEGER NOT NULL DEFAULT 0,
    spoiler INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    stickied INTEGER NOT NULL DEFAULT 0,
    distinguished TEXT,
    edited INTEGER,
    permalink TEXT,
    url TEXT,
    suggested_sort TEXT,
    ranked INTEGER NOT NULL DEFAULT 0,
    crosspost_parent TEXT,
    crosspost_title TEXT,
    poll TEXT,
    -- Last: a start reads the other columns without going through it.
    body TEXT NOT NULL
);
CREATE INDEX discussions_by_file ON discussions (file);
CREATE INDEX discussions_by_name ON discussions (name);

-- A comment's id is its discussion's id times 2^32 plus its position, so a
-- discussion's comments are one range of the table, in file order.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    discussion INTEGER NOT NULL,
    position INTEGER NOT NULL,
    comment_id TEXT NOT NULL,
    author INTEGER NOT NULL REFERENCES authors (id),
    parent INTEGER,
    depth INTEGER NOT NULL,
    posted_at INTEGER,
    clock INTEGER NOT NULL,
    time_text TEXT,
    body TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    score INTEGER,
    score_hidden INTEGER NOT NULL DEFAULT 0,
    edited INTEGER,
    distinguished TEXT,
    stickied INTEGER NOT NULL DEFAULT 0,
    controversial INTEGER NOT NULL DEFAULT 0,
    flair TEXT,
    removed TEXT CHECK (removed IN ('moderators', 'author', 'author_later', 'reason')),
    removal_reason TEXT
);
-- (comments_by_author and comments_by_time: store/indexes.sql)

-- A post's media (role 'post', in order, and 'thumbnail') and a comment's.
CREATE TABLE media (
    discussion INTEGER NOT NULL,
    comment INTEGER,
    role TEXT NOT NULL CHECK (role IN ('post', 'thumbnail', 'comment')),
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'gallery_item', 'embed')),
    url TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    caption TEXT,
    poster TEXT,
    animated INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    duration INTEGER,
    title TEXT,
    provider TEXT
);
CREATE INDEX media_by_discussion ON media (discussion);

-- Replies the source knew of but did not include (Reddit's "more" stubs).
CREATE TABLE unarchived (
    discussion INTEGER NOT NULL,
    parent INTEGER,
    count INTEGER NOT NULL
);
CREATE INDEX unarchived_by_discussion ON unarchived (discussion);

-- What went wrong reading a file (file NULL: the dumps, read as a group).
CREATE TABLE diagnostics (
    file INTEGER REFERENCES files (id),
    name TEXT NOT NULL,
    line INTEGER,
    message TEXT NOT NULL
);
CREATE INDEX diagnostics_by_file ON diagnostics (file);

-- Discussions whose comments the archive does not show: replaced by a new
-- version of their file (their rows, under file -1, stay until the next
-- load, for pages of the version before that are still being made), or
-- shadowed by another discussion of the same name. Authors' counts leave
-- their comments out.
CREATE TABLE hidden (
    discussion INTEGER PRIMARY KEY
);

-- The communities activity is counted in: 'r/' and a subreddit's name,
-- 's/' and a source's, or '' for the discussions of none.
CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- How many comments each author made in each community and month (period
-- 201903: March 2019, UTC), and in all (period 0, with the comments of no
-- known time or outside the years 0 to 9999), for the pages that list the
-- most active. Hidden discussions' comments are left out; rows of no
-- comments go.
CREATE TABLE activity (
    community INTEGER NOT NULL REFERENCES communities (id),
    period INTEGER NOT NULL,
    author INTEGER NOT NULL REFERENCES authors (id),
    comments INTEGER NOT NULL,
    PRIMARY KEY (community, period, author)
) WITHOUT ROWID;
