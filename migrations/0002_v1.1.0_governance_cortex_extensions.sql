CREATE TABLE `clock_sync_status` (
	`id` varchar(36) NOT NULL,
	`component_name` varchar(100) NOT NULL,
	`protocol` enum('NTP','PTP','Browser','Server') NOT NULL,
	`stratum` int,
	`offset_microseconds` bigint NOT NULL,
	`last_sync_at` timestamp(6) NOT NULL,
	`status` enum('synchronized','drifting','error') NOT NULL,
	`error_message` text,
	CONSTRAINT `clock_sync_status_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `filesystem_timestamps` (
	`id` varchar(36) NOT NULL,
	`file_path` text NOT NULL,
	`atime` datetime(6) NOT NULL,
	`mtime` datetime(6) NOT NULL,
	`ctime` datetime(6) NOT NULL,
	`captured_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`git_commit_sha` varchar(40),
	`project_id` varchar(36),
	CONSTRAINT `filesystem_timestamps_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `metadata_standards` (
	`id` varchar(36) NOT NULL,
	`standard_name` varchar(100) NOT NULL,
	`category` enum('temporal','nomenclature','versioning') NOT NULL,
	`pattern_regex` text NOT NULL,
	`validation_message` text,
	`enforcement_level` enum('error','warning','info') NOT NULL DEFAULT 'error',
	`is_active` boolean NOT NULL DEFAULT true,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	CONSTRAINT `metadata_standards_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_standard_name` UNIQUE(`standard_name`)
);
--> statement-breakpoint
CREATE TABLE `metadata_violations` (
	`id` varchar(36) NOT NULL,
	`standard_id` varchar(36) NOT NULL,
	`resource_type` varchar(50) NOT NULL,
	`resource_id` varchar(255) NOT NULL,
	`violation_value` text,
	`suggested_fix` text,
	`status` enum('open','resolved','suppressed') NOT NULL DEFAULT 'open',
	`detected_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`resolved_at` timestamp(6),
	`resolved_by` varchar(36),
	CONSTRAINT `metadata_violations_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `api_configurations` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`provider` varchar(50) NOT NULL,
	`api_key_encrypted` varbinary(512),
	`model` varchar(100) NOT NULL,
	`temperature` decimal(3,2) DEFAULT '0.70',
	`max_tokens` int DEFAULT 4096,
	`enabled` boolean NOT NULL DEFAULT true,
	`priority` int DEFAULT 0,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	CONSTRAINT `api_configurations_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_project_provider` UNIQUE(`project_id`,`provider`)
);
--> statement-breakpoint
CREATE TABLE `external_tool_access` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`tool_id` varchar(36) NOT NULL,
	`access_type` enum('read','write','admin') NOT NULL DEFAULT 'read',
	`oauth_config` json,
	`enabled` boolean NOT NULL DEFAULT true,
	`last_accessed_at` timestamp(6),
	`expires_at` timestamp(6),
	CONSTRAINT `external_tool_access_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_project_tool` UNIQUE(`project_id`,`tool_id`)
);
--> statement-breakpoint
CREATE TABLE `token_usage` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`provider` varchar(50) NOT NULL,
	`model` varchar(100) NOT NULL,
	`input_tokens` int NOT NULL DEFAULT 0,
	`output_tokens` int NOT NULL DEFAULT 0,
	`total_cost` decimal(10,4) NOT NULL DEFAULT '0.0000',
	`operation_type` varchar(50),
	`dashboard_context` varchar(100),
	`timestamp` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `PRIMARY` PRIMARY KEY(`id`,`timestamp`)
);
--> statement-breakpoint
CREATE TABLE `tool_registry` (
	`id` varchar(36) NOT NULL,
	`name` varchar(255) NOT NULL,
	`category` varchar(50) NOT NULL,
	`description` text NOT NULL,
	`implementation_type` enum('python','api','database','wasm') NOT NULL,
	`config` json NOT NULL,
	`is_system` boolean NOT NULL DEFAULT false,
	`requires_capability` varchar(100),
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `tool_registry_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_name` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `dashboard_versions` (
	`id` varchar(36) NOT NULL,
	`dashboard_id` varchar(36) NOT NULL,
	`version` varchar(50) NOT NULL,
	`config` json NOT NULL,
	`changelog` text,
	`created_by` varchar(255),
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `dashboard_versions_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_dashboard_version` UNIQUE(`dashboard_id`,`version`)
);
--> statement-breakpoint
CREATE TABLE `extension_dashboards` (
	`id` varchar(36) NOT NULL,
	`extension_id` varchar(255) NOT NULL,
	`dashboard_id` varchar(255) NOT NULL,
	`name` varchar(255) NOT NULL,
	`description` text,
	`config` json NOT NULL,
	`author` varchar(255),
	`community_approved` boolean NOT NULL DEFAULT false,
	`download_count` int DEFAULT 0,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	CONSTRAINT `extension_dashboards_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_extension_dashboard` UNIQUE(`extension_id`,`dashboard_id`)
);
--> statement-breakpoint
CREATE TABLE `project_extension_mappings` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`extension_id` varchar(255) NOT NULL,
	`dashboard_id` varchar(36) NOT NULL,
	`enabled` boolean NOT NULL DEFAULT true,
	`custom_config` json,
	`position` int DEFAULT 0,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	CONSTRAINT `project_extension_mappings_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_project_extension` UNIQUE(`project_id`,`extension_id`)
);
--> statement-breakpoint
ALTER TABLE `metadata_violations` ADD CONSTRAINT `fk_metadata_violations_standard` FOREIGN KEY (`standard_id`) REFERENCES `metadata_standards`(`id`) ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `api_configurations` ADD CONSTRAINT `fk_api_configurations_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `external_tool_access` ADD CONSTRAINT `fk_external_tool_access_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `external_tool_access` ADD CONSTRAINT `fk_external_tool_access_tool` FOREIGN KEY (`tool_id`) REFERENCES `tool_registry`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `dashboard_versions` ADD CONSTRAINT `fk_dashboard_versions_dashboard` FOREIGN KEY (`dashboard_id`) REFERENCES `extension_dashboards`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `project_extension_mappings` ADD CONSTRAINT `fk_project_extension_mappings_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `project_extension_mappings` ADD CONSTRAINT `fk_project_extension_mappings_dashboard` FOREIGN KEY (`dashboard_id`) REFERENCES `extension_dashboards`(`id`) ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_component` ON `clock_sync_status` (`component_name`);--> statement-breakpoint
CREATE INDEX `idx_status` ON `clock_sync_status` (`status`);--> statement-breakpoint
CREATE INDEX `idx_last_sync` ON `clock_sync_status` (`last_sync_at`);--> statement-breakpoint
CREATE INDEX `idx_mtime` ON `filesystem_timestamps` (`mtime`);--> statement-breakpoint
CREATE INDEX `idx_project` ON `filesystem_timestamps` (`project_id`);--> statement-breakpoint
CREATE INDEX `idx_captured` ON `filesystem_timestamps` (`captured_at`);--> statement-breakpoint
CREATE INDEX `idx_category` ON `metadata_standards` (`category`);--> statement-breakpoint
CREATE INDEX `idx_active` ON `metadata_standards` (`is_active`);--> statement-breakpoint
CREATE INDEX `idx_resource` ON `metadata_violations` (`resource_type`,`resource_id`);--> statement-breakpoint
CREATE INDEX `idx_detected` ON `metadata_violations` (`detected_at`);--> statement-breakpoint
CREATE INDEX `idx_violations_open_detected` ON `metadata_violations` (`status`,`detected_at`);--> statement-breakpoint
CREATE INDEX `idx_violations_standard_status` ON `metadata_violations` (`standard_id`,`status`);--> statement-breakpoint
CREATE INDEX `idx_enabled` ON `api_configurations` (`enabled`);--> statement-breakpoint
CREATE INDEX `idx_tool` ON `external_tool_access` (`tool_id`);--> statement-breakpoint
CREATE INDEX `idx_enabled` ON `external_tool_access` (`enabled`);--> statement-breakpoint
CREATE INDEX `idx_expires` ON `external_tool_access` (`expires_at`);--> statement-breakpoint
CREATE INDEX `idx_project_timestamp` ON `token_usage` (`project_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_provider_timestamp` ON `token_usage` (`provider`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_token_usage_project_provider_timestamp` ON `token_usage` (`project_id`,`provider`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_token_usage_model_cost` ON `token_usage` (`model`,`total_cost`);--> statement-breakpoint
CREATE INDEX `idx_category` ON `tool_registry` (`category`);--> statement-breakpoint
CREATE INDEX `idx_system` ON `tool_registry` (`is_system`);--> statement-breakpoint
CREATE INDEX `idx_dashboard_created` ON `dashboard_versions` (`dashboard_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `idx_version` ON `dashboard_versions` (`version`);--> statement-breakpoint
CREATE INDEX `idx_approved` ON `extension_dashboards` (`community_approved`);--> statement-breakpoint
CREATE INDEX `idx_downloads` ON `extension_dashboards` (`download_count`);--> statement-breakpoint
CREATE INDEX `idx_dashboard` ON `project_extension_mappings` (`dashboard_id`);--> statement-breakpoint
CREATE INDEX `idx_project_extensions_enabled` ON `project_extension_mappings` (`project_id`,`enabled`);--> statement-breakpoint
CREATE INDEX `idx_enabled` ON `project_extension_mappings` (`enabled`);