-- Hand-written: per-file history (project, path prefix, capture time); drizzle-kit cannot express the prefix.
CREATE INDEX `idx_project_file_captured` ON `filesystem_timestamps` (`project_id`, `file_path`(255), `captured_at`);
