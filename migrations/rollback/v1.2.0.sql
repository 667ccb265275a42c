-- Rollback of data model 1.2.0 → 1.1.0. Other features add their own sections when branches merge.

-- Token cost (1.2.0): importer offsets, cache/branch/source/priced columns, the covering index.
DROP TABLE IF EXISTS `token_import_offsets`;
CREATE INDEX `idx_project_timestamp` ON `token_usage` (`project_id`, `timestamp`);
DROP INDEX `idx_token_usage_project_time_cover` ON `token_usage`;
ALTER TABLE `token_usage` DROP COLUMN `cache_read_tokens`, DROP COLUMN `cache_write_tokens`, DROP COLUMN `priced`, DROP COLUMN `source`, DROP COLUMN `git_branch`;
