CREATE TABLE `execution_labels` (
	`execution_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`execution_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `execution_labels_filter` ON `execution_labels` (`key`,`value`,`created_at`,`execution_id`);--> statement-breakpoint
ALTER TABLE `executions` ADD `labels` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `reacts_to` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `reaction_depth` integer;