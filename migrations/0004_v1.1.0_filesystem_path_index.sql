-- Hand-written: a prefix index on a TEXT column, which drizzle-kit cannot express.
CREATE INDEX `idx_file_path` ON `filesystem_timestamps` (`file_path`(255));
