-- Which chat added a feed (moderator commands): its moderators may pause or remove it.
ALTER TABLE feeds ADD COLUMN added_by TEXT;
