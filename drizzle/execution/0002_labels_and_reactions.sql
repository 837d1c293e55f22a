ALTER TABLE `execution` ADD `labels` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `execution` ADD `reacts_to` text;--> statement-breakpoint
ALTER TABLE `execution` ADD `reaction_depth` integer DEFAULT 0 NOT NULL;