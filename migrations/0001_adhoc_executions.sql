CREATE TABLE `__new_executions` (
	`id` text PRIMARY KEY NOT NULL,
	`flow_id` text,
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
INSERT INTO `__new_executions`("id", "flow_id", "revision", "status", "trigger", "mode", "created_at", "started_at", "ended_at", "duration_ms", "output_status", "error_type", "error_task_id", "error_message", "replay_of", "parent_execution_id", "version") SELECT "id", "flow_id", "revision", "status", "trigger", "mode", "created_at", "started_at", "ended_at", "duration_ms", "output_status", "error_type", "error_task_id", "error_message", "replay_of", "parent_execution_id", "version" FROM `executions`;--> statement-breakpoint
DROP TABLE `executions`;--> statement-breakpoint
ALTER TABLE `__new_executions` RENAME TO `executions`;--> statement-breakpoint
CREATE INDEX `executions_created` ON `executions` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `executions_flow_created` ON `executions` (`flow_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `executions_status_created` ON `executions` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `executions_parent_created` ON `executions` (`parent_execution_id`,`created_at`,`id`);