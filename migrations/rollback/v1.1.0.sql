-- Rollback of data model 1.1.0 → 1.0.0: the 11 tables of 1.1.0 in the spec's reverse dependency order.
-- Their indexes go with them. The migrator then forgets the 1.1.0 steps so they can be applied again.
DROP TABLE IF EXISTS `dashboard_versions`;
DROP TABLE IF EXISTS `project_extension_mappings`;
DROP TABLE IF EXISTS `extension_dashboards`;
DROP TABLE IF EXISTS `external_tool_access`;
DROP TABLE IF EXISTS `tool_registry`;
DROP TABLE IF EXISTS `api_configurations`;
DROP TABLE IF EXISTS `token_usage`;
DROP TABLE IF EXISTS `clock_sync_status`;
DROP TABLE IF EXISTS `filesystem_timestamps`;
DROP TABLE IF EXISTS `metadata_violations`;
DROP TABLE IF EXISTS `metadata_standards`;
