CREATE TABLE `flow_tests` (
	`flow_id` text PRIMARY KEY NOT NULL,
	`cases` text NOT NULL,
	`updated_at` integer NOT NULL
);
