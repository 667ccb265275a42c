-- Rollback of data model 1.2.0 → 1.1.0. The migrator then forgets the 1.2.0 steps.
-- Cockpit: profile order in Master Control.
ALTER TABLE `profiles` DROP COLUMN `position`;
