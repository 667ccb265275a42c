DROP INDEX `idx_sync_buffer` ON `propagation_log`;--> statement-breakpoint
DROP INDEX `idx_dashboard` ON `propagation_log`;--> statement-breakpoint
DROP INDEX `idx_created` ON `propagation_log`;