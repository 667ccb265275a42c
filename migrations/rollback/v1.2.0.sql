-- Rollback of data model 1.2.0 → 1.1.0. The migrator then forgets the 1.2.0 steps.
-- AI Cortex: the endpoint of local/azure providers.
ALTER TABLE `api_configurations` DROP COLUMN `base_url`;
