-- Rollback of data model 1.2.0 → 1.1.0 (file watcher): the history index and the two columns.
DROP INDEX `idx_project_file_captured` ON `filesystem_timestamps`;
ALTER TABLE `filesystem_timestamps` DROP COLUMN `size_bytes`;
ALTER TABLE `filesystem_timestamps` DROP COLUMN `event_type`;
