CREATE TABLE `token_import_offsets` (
	`source` varchar(50) NOT NULL,
	`host` varchar(255) NOT NULL,
	`path_hash` char(64) NOT NULL,
	`file_path` text NOT NULL,
	`byte_offset` bigint NOT NULL DEFAULT 0,
	`file_size` bigint NOT NULL DEFAULT 0,
	`inode` varchar(40),
	`file_mtime` datetime(6),
	`head_fingerprint` char(64),
	`parser_state` text,
	`updated_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
	CONSTRAINT `PRIMARY` PRIMARY KEY(`source`,`host`,`path_hash`)
);
--> statement-breakpoint
DROP INDEX `idx_project_timestamp` ON `token_usage`;--> statement-breakpoint
ALTER TABLE `token_usage` ADD `cache_read_tokens` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `token_usage` ADD `cache_write_tokens` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `token_usage` ADD `priced` boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `token_usage` ADD `source` varchar(50);--> statement-breakpoint
ALTER TABLE `token_usage` ADD `git_branch` varchar(255);--> statement-breakpoint
CREATE INDEX `idx_token_usage_project_time_cover` ON `token_usage` (`project_id`,`timestamp`,`provider`,`model`,`input_tokens`,`output_tokens`,`cache_read_tokens`,`cache_write_tokens`,`total_cost`,`priced`);