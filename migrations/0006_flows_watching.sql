ALTER TABLE `flows` ADD `watches_executions` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `flows_watching` ON `flows` (`id`) WHERE watches_executions = 1;