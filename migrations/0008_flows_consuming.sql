ALTER TABLE `flows` ADD `consumes_queues` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `flows_consuming` ON `flows` (`id`) WHERE consumes_queues = 1;