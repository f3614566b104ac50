-- Units change with institutional reforms (issue 17, SPEC 5): a unit may be
-- disabled, every rename, move, disabling or enabling is kept in
-- unit_changes, and changes of the tree take a named lock (a row, which
-- Galera certifies).
-- sqlite
CREATE TABLE `unit_changes` (`id` integer PRIMARY KEY AUTOINCREMENT,`unit_id` integer NOT NULL,`actor_id` integer NOT NULL,`actor` text NOT NULL,`at` datetime NOT NULL,`old_name` text NOT NULL,`new_name` text NOT NULL,`old_parent_id` integer,`new_parent_id` integer,`old_disabled` numeric NOT NULL,`new_disabled` numeric NOT NULL,`version` integer NOT NULL);
CREATE INDEX `idx_unit_changes_unit` ON `unit_changes`(`unit_id`,`id`);
ALTER TABLE `units` ADD `disabled` numeric NOT NULL DEFAULT false;
CREATE TABLE `named_locks` (`name` text,`taken` integer NOT NULL DEFAULT 0,PRIMARY KEY (`name`));
-- mysql
CREATE TABLE `unit_changes` (`id` bigint AUTO_INCREMENT,`unit_id` bigint NOT NULL,`actor_id` bigint NOT NULL,`actor` varchar(64) NOT NULL,`at` datetime(6) NOT NULL,`old_name` varchar(100) NOT NULL,`new_name` varchar(100) NOT NULL,`old_parent_id` bigint,`new_parent_id` bigint,`old_disabled` boolean NOT NULL,`new_disabled` boolean NOT NULL,`version` bigint NOT NULL,PRIMARY KEY (`id`),INDEX `idx_unit_changes_unit` (`unit_id`,`id`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `units` ADD `disabled` boolean NOT NULL DEFAULT false;
CREATE TABLE `named_locks` (`name` varchar(64),`taken` bigint NOT NULL DEFAULT 0,PRIMARY KEY (`name`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
