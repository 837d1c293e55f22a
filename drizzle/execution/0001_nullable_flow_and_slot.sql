CREATE TABLE `__new_execution` (
	`id` text NOT NULL,
	`flow_id` text,
	`revision` integer NOT NULL,
	`mode` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`output` text,
	`error` text,
	`vars` text NOT NULL,
	`root` text NOT NULL,
	`start_position` integer NOT NULL,
	`paused` integer NOT NULL,
	`next_run_id` integer NOT NULL,
	`version` integer NOT NULL,
	`indexed_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`wake_at` integer,
	`replay_of` text,
	`parent_execution_id` text,
	`parent_task_run_id` integer,
	`depth` integer NOT NULL,
	`fingerprint` text,
	`dropped_logs` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_execution`("id", "flow_id", "revision", "mode", "trigger", "status", "output", "error", "vars", "root", "start_position", "paused", "next_run_id", "version", "indexed_version", "created_at", "started_at", "ended_at", "wake_at", "replay_of", "parent_execution_id", "parent_task_run_id", "depth", "fingerprint", "dropped_logs") SELECT "id", "flow_id", "revision", "mode", "trigger", "status", "output", "error", "vars", "root", "start_position", "paused", "next_run_id", "version", "indexed_version", "created_at", "started_at", "ended_at", "wake_at", "replay_of", "parent_execution_id", "parent_task_run_id", "depth", "fingerprint", "dropped_logs" FROM `execution`;--> statement-breakpoint
DROP TABLE `execution`;--> statement-breakpoint
ALTER TABLE `__new_execution` RENAME TO `execution`;--> statement-breakpoint
ALTER TABLE `source` ADD `slot` text;