ALTER TABLE `flows` ADD `receives_email` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `flows_receiving` ON `flows` (`id`) WHERE receives_email = 1;