CREATE TABLE `events` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`payload` text,
	`received_at` integer NOT NULL
);

CREATE TABLE `execution` (
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
	`dropped_logs` integer NOT NULL,
	`labels` text DEFAULT '{}' NOT NULL,
	`reacts_to` text,
	`reaction_depth` integer DEFAULT 0 NOT NULL
);

CREATE TABLE `items` (
	`run_id` integer PRIMARY KEY NOT NULL,
	`items` text NOT NULL
);

CREATE TABLE `logs` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`level` text NOT NULL,
	`task_id` text,
	`task_run_id` integer,
	`message` text NOT NULL,
	`attempt` integer
);

CREATE TABLE `source` (
	`definition` text NOT NULL,
	`input` text NOT NULL,
	`slot` text
);

CREATE TABLE `task_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`parent_id` integer,
	`lane` text NOT NULL,
	`position` integer NOT NULL,
	`iteration` integer,
	`scope` text,
	`attempts` text NOT NULL,
	`output` text,
	`error` text,
	`metrics` text NOT NULL,
	`progress` text,
	`started_at` integer,
	`ended_at` integer,
	`wake_at` integer,
	`child_execution_id` text,
	`wait` text,
	`reused` integer NOT NULL
);

CREATE TABLE `timers` (
	`key` text PRIMARY KEY NOT NULL,
	`due_at` integer NOT NULL
);

