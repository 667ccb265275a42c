-- Rollback of data model 1.2.0 → 1.1.0, newest step first. The migrator then forgets the 1.2.0 steps.
-- Cockpit: the order of profiles.
ALTER TABLE `profiles` DROP COLUMN `position`;
-- AI Cortex: the endpoint of local/azure providers.
ALTER TABLE `api_configurations` DROP COLUMN `base_url`;
-- File watcher: the history index and the two columns.
DROP INDEX `idx_project_file_captured` ON `filesystem_timestamps`;
ALTER TABLE `filesystem_timestamps` DROP COLUMN `size_bytes`;
ALTER TABLE `filesystem_timestamps` DROP COLUMN `event_type`;
