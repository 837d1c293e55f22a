CREATE TABLE `execution_tombstones` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `execution_tombstones_deleted` ON `execution_tombstones` (`deleted_at`);