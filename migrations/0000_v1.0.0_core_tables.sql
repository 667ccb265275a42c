CREATE TABLE `dashboards` (
	`id` varchar(36) NOT NULL,
	`profile_id` varchar(36) NOT NULL,
	`name` varchar(255) NOT NULL,
	`description` text,
	`template_id` varchar(36),
	`layout` json NOT NULL,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	`position` int NOT NULL,
	CONSTRAINT `dashboards_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `modules` (
	`id` varchar(36) NOT NULL,
	`dashboard_id` varchar(36) NOT NULL,
	`module_type` varchar(100) NOT NULL,
	`name` varchar(255) NOT NULL,
	`configuration` json NOT NULL,
	`position` int NOT NULL,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	CONSTRAINT `modules_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`name` varchar(255) NOT NULL,
	`description` text,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	`active_dashboard_id` varchar(36),
	CONSTRAINT `profiles_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` varchar(36) NOT NULL,
	`name` varchar(255) NOT NULL,
	`description` text,
	`owner_user_id` varchar(255) NOT NULL,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	`workflow_template` varchar(100),
	`git_repository` varchar(500),
	CONSTRAINT `projects_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `capabilities` (
	`id` varchar(36) NOT NULL,
	`module_id` varchar(36) NOT NULL,
	`capability_type` varchar(100) NOT NULL,
	`granted` boolean DEFAULT false,
	`granted_at` timestamp(6),
	`revoked_at` timestamp(6),
	`justification` text,
	CONSTRAINT `capabilities_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `guardrails` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36),
	`rule_id` varchar(100) NOT NULL,
	`description` text NOT NULL,
	`severity` enum('CRITICAL','HIGH','MEDIUM','LOW') NOT NULL,
	`auto_reject` boolean DEFAULT false,
	`configuration` json,
	`enabled` boolean DEFAULT true,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `guardrails_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `templates` (
	`id` varchar(36) NOT NULL,
	`name` varchar(255) NOT NULL,
	`category` varchar(100) NOT NULL,
	`description` text,
	`specification` json NOT NULL,
	`created_by` varchar(255),
	`community_approved` boolean DEFAULT false,
	`download_count` int DEFAULT 0,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `templates_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_name` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `propagation_log` (
	`id` varchar(36) NOT NULL,
	`sync_buffer_id` varchar(36) NOT NULL,
	`affected_dashboard_id` varchar(36) NOT NULL,
	`propagation_type` varchar(100) NOT NULL,
	`status` enum('SUCCESS','PARTIAL','FAILED') NOT NULL,
	`error_message` text,
	`token_cost` int,
	`duration_ms` int,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `propagation_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `sync_buffer` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`change_type` varchar(100) NOT NULL,
	`source_module_id` varchar(36),
	`payload` json NOT NULL,
	`status` enum('PENDING','VALIDATED','REJECTED','PROPAGATED') NOT NULL DEFAULT 'PENDING',
	`validation_results` json,
	`impact_analysis` json,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`validated_at` timestamp(6),
	`propagated_at` timestamp(6),
	CONSTRAINT `sync_buffer_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `audit_logs` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`timestamp` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`user_id` varchar(255) NOT NULL,
	`action` varchar(100) NOT NULL,
	`resource_type` varchar(50) NOT NULL,
	`resource_id` varchar(255),
	`status` enum('success','failure','partial') NOT NULL,
	`metadata` json,
	`ip_address` varchar(45),
	`user_agent` text,
	CONSTRAINT `PRIMARY` PRIMARY KEY(`id`,`timestamp`)
);
--> statement-breakpoint
CREATE TABLE `version_history` (
	`id` varchar(36) NOT NULL,
	`resource_type` varchar(50) NOT NULL,
	`resource_id` varchar(255) NOT NULL,
	`version_number` int NOT NULL,
	`snapshot` json NOT NULL,
	`change_description` text,
	`created_by` varchar(255) NOT NULL,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `version_history_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_resource_version` UNIQUE(`resource_type`,`resource_id`,`version_number`)
);
--> statement-breakpoint
CREATE TABLE `cached_responses` (
	`id` varchar(36) NOT NULL,
	`prompt_hash` varchar(64) NOT NULL,
	`prompt` text NOT NULL,
	`response` json NOT NULL,
	`provider` varchar(100) NOT NULL,
	`created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`hit_count` int DEFAULT 0,
	CONSTRAINT `cached_responses_id` PRIMARY KEY(`id`),
	CONSTRAINT `uk_prompt_hash` UNIQUE(`prompt_hash`)
);
--> statement-breakpoint
CREATE TABLE `context_windows` (
	`id` varchar(36) NOT NULL,
	`project_id` varchar(36) NOT NULL,
	`conversation_history` json NOT NULL,
	`current_tokens` int NOT NULL,
	`max_tokens` int NOT NULL DEFAULT 200000,
	`last_message_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `context_windows_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `dashboards` ADD CONSTRAINT `fk_dashboards_profile` FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `modules` ADD CONSTRAINT `fk_modules_dashboard` FOREIGN KEY (`dashboard_id`) REFERENCES `dashboards`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `profiles` ADD CONSTRAINT `fk_profiles_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `capabilities` ADD CONSTRAINT `fk_capabilities_module` FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `guardrails` ADD CONSTRAINT `fk_guardrails_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `propagation_log` ADD CONSTRAINT `fk_propagation_log_sync_buffer` FOREIGN KEY (`sync_buffer_id`) REFERENCES `sync_buffer`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD CONSTRAINT `fk_sync_buffer_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `context_windows` ADD CONSTRAINT `fk_context_windows_project` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_profile` ON `dashboards` (`profile_id`);--> statement-breakpoint
CREATE INDEX `idx_template` ON `dashboards` (`template_id`);--> statement-breakpoint
CREATE INDEX `idx_dashboard` ON `modules` (`dashboard_id`);--> statement-breakpoint
CREATE INDEX `idx_type` ON `modules` (`module_type`);--> statement-breakpoint
CREATE INDEX `idx_project` ON `profiles` (`project_id`);--> statement-breakpoint
CREATE INDEX `idx_owner` ON `projects` (`owner_user_id`);--> statement-breakpoint
CREATE INDEX `idx_template` ON `projects` (`workflow_template`);--> statement-breakpoint
CREATE INDEX `idx_module` ON `capabilities` (`module_id`);--> statement-breakpoint
CREATE INDEX `idx_type` ON `capabilities` (`capability_type`);--> statement-breakpoint
CREATE INDEX `idx_project` ON `guardrails` (`project_id`);--> statement-breakpoint
CREATE INDEX `idx_severity` ON `guardrails` (`severity`);--> statement-breakpoint
CREATE INDEX `idx_category` ON `templates` (`category`);--> statement-breakpoint
CREATE INDEX `idx_approved` ON `templates` (`community_approved`);--> statement-breakpoint
CREATE INDEX `idx_sync_buffer` ON `propagation_log` (`sync_buffer_id`);--> statement-breakpoint
CREATE INDEX `idx_dashboard` ON `propagation_log` (`affected_dashboard_id`);--> statement-breakpoint
CREATE INDEX `idx_created` ON `propagation_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_project_status` ON `sync_buffer` (`project_id`,`status`);--> statement-breakpoint
CREATE INDEX `idx_created` ON `sync_buffer` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_user_timestamp` ON `audit_logs` (`user_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_action` ON `audit_logs` (`action`);--> statement-breakpoint
CREATE INDEX `idx_resource` ON `audit_logs` (`resource_type`,`resource_id`);--> statement-breakpoint
CREATE INDEX `idx_timestamp` ON `audit_logs` (`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_created` ON `version_history` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_provider` ON `cached_responses` (`provider`);--> statement-breakpoint
CREATE INDEX `idx_created` ON `cached_responses` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_project` ON `context_windows` (`project_id`);