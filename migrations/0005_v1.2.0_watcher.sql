ALTER TABLE `filesystem_timestamps` ADD `event_type` enum('add','change','unlink','scan') DEFAULT 'scan' NOT NULL;--> statement-breakpoint
ALTER TABLE `filesystem_timestamps` ADD `size_bytes` bigint;