CREATE TABLE `executions` (
	`id` text PRIMARY KEY NOT NULL,
	`flow_id` text NOT NULL,
	`revision` integer NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`mode` text NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`duration_ms` integer,
	`output_status` integer,
	`error_type` text,
	`error_task_id` text,
	`error_message` text,
	`replay_of` text,
	`parent_execution_id` text,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `executions_created` ON `executions` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `executions_flow_created` ON `executions` (`flow_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `executions_status_created` ON `executions` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `executions_parent_created` ON `executions` (`parent_execution_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `flow_revisions` (
	`flow_id` text NOT NULL,
	`revision` integer NOT NULL,
	`hash` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`flow_id`, `revision`)
);
--> statement-breakpoint
CREATE TABLE `flows` (
	`id` text PRIMARY KEY NOT NULL,
	`latest_revision` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`next_scheduled_at` integer
);
