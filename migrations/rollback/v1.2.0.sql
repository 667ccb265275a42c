-- Rollback of data model 1.2.0 → 1.1.0, newest step first. The migrator then forgets the 1.2.0 steps.
-- The Bin's worker: propagation_log's secondary indexes dropped in 1.2.0.
CREATE INDEX `idx_sync_buffer` ON `propagation_log` (`sync_buffer_id`);
CREATE INDEX `idx_dashboard` ON `propagation_log` (`affected_dashboard_id`);
CREATE INDEX `idx_created` ON `propagation_log` (`created_at`);
-- The Bin: lease and propagation bookkeeping, standard targets, the one-row-per-capability key.
DROP INDEX `idx_claim` ON `sync_buffer`;
ALTER TABLE `sync_buffer` DROP COLUMN `lease_owner`, DROP COLUMN `lease_expires_at`, DROP COLUMN `attempts`, DROP COLUMN `propagation_due`, DROP COLUMN `approved_by`, DROP COLUMN `approved_at`;
ALTER TABLE `propagation_log` DROP INDEX `uk_change_dashboard`;
ALTER TABLE `propagation_log` DROP COLUMN `attempts`, DROP COLUMN `updated_at`;
ALTER TABLE `capabilities` DROP INDEX `uk_module_capability`;
ALTER TABLE `metadata_standards` DROP COLUMN `applies_to`;
-- Token cost: importer offsets, cache/branch/source/priced columns, the covering index.
DROP TABLE IF EXISTS `token_import_offsets`;
CREATE INDEX `idx_project_timestamp` ON `token_usage` (`project_id`, `timestamp`);
DROP INDEX `idx_token_usage_project_time_cover` ON `token_usage`;
ALTER TABLE `token_usage` DROP COLUMN `cache_read_tokens`, DROP COLUMN `cache_write_tokens`, DROP COLUMN `priced`, DROP COLUMN `source`, DROP COLUMN `git_branch`;
-- Cockpit: the order of profiles.
ALTER TABLE `profiles` DROP COLUMN `position`;
-- AI Cortex: the endpoint of local/azure providers.
ALTER TABLE `api_configurations` DROP COLUMN `base_url`;
-- File watcher: the history index and the two columns.
DROP INDEX `idx_project_file_captured` ON `filesystem_timestamps`;
ALTER TABLE `filesystem_timestamps` DROP COLUMN `size_bytes`;
ALTER TABLE `filesystem_timestamps` DROP COLUMN `event_type`;
