-- Rollback of data model 1.2.0 → 1.1.0: The Bin's lease and propagation bookkeeping, standard targets
-- and the one-row-per-capability key. The migrator then forgets the 1.2.0 steps.
DROP INDEX `idx_claim` ON `sync_buffer`;
ALTER TABLE `sync_buffer` DROP COLUMN `lease_owner`, DROP COLUMN `lease_expires_at`, DROP COLUMN `attempts`, DROP COLUMN `propagation_due`, DROP COLUMN `approved_by`, DROP COLUMN `approved_at`;
ALTER TABLE `propagation_log` DROP INDEX `uk_change_dashboard`;
ALTER TABLE `propagation_log` DROP COLUMN `attempts`, DROP COLUMN `updated_at`;
ALTER TABLE `capabilities` DROP INDEX `uk_module_capability`;
ALTER TABLE `metadata_standards` DROP COLUMN `applies_to`;
