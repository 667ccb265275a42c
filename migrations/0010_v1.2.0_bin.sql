ALTER TABLE `propagation_log` ADD `attempts` int DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `propagation_log` ADD `updated_at` timestamp(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6) NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD `lease_owner` varchar(100);--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD `lease_expires_at` timestamp(6);--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD `attempts` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD `propagation_due` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD `approved_by` varchar(255);--> statement-breakpoint
ALTER TABLE `sync_buffer` ADD `approved_at` timestamp(6);--> statement-breakpoint
ALTER TABLE `metadata_standards` ADD `applies_to` varchar(500);--> statement-breakpoint
ALTER TABLE `capabilities` ADD CONSTRAINT `uk_module_capability` UNIQUE(`module_id`,`capability_type`);--> statement-breakpoint
ALTER TABLE `propagation_log` ADD CONSTRAINT `uk_change_dashboard` UNIQUE(`sync_buffer_id`,`affected_dashboard_id`);--> statement-breakpoint
CREATE INDEX `idx_claim` ON `sync_buffer` (`status`,`propagation_due`,`created_at`);