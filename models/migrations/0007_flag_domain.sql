-- Flags as each department decides them (SPEC 8, issue 17): the
-- responsibility, audit type, feedback and rectification days of audit and
-- inspection findings, the 四种形态 (outcome_form) of a closed clue or
-- investigation, a measure's type and day (提醒谈话 and the like), and the
-- reviews of a sanction (复审、复核、申诉: sanction_changes). The new statuses
-- (in_effect, revoked, on_hold, recorded), kinds (inspection_finding,
-- measure) and source (organization) are values of existing columns; the
-- old sanction flags are moved to in_effect or revoked by 0008.
-- sqlite
CREATE TABLE `sanction_changes` (`id` integer PRIMARY KEY AUTOINCREMENT,`flag_id` integer NOT NULL,`action` text NOT NULL,`decided_on` char(10) NOT NULL,`basis` text NOT NULL,`from_type` text NOT NULL,`to_type` text NOT NULL,`from_period_months` integer,`to_period_months` integer,`from_influence_until` char(10),`to_influence_until` char(10),`actor_id` integer NOT NULL,`at` datetime NOT NULL);
CREATE INDEX `idx_sanction_changes_flag` ON `sanction_changes`(`flag_id`,`id`);
ALTER TABLE `flags` ADD `audit_type` text;
ALTER TABLE `flags` ADD `feedback_on` char(10);
ALTER TABLE `flags` ADD `measure_decided_on` char(10);
ALTER TABLE `flags` ADD `measure_type` text;
ALTER TABLE `flags` ADD `outcome_form` integer;
ALTER TABLE `flags` ADD `rectified_on` char(10);
ALTER TABLE `flags` ADD `responsibility` text;
-- mysql
CREATE TABLE `sanction_changes` (`id` bigint AUTO_INCREMENT,`flag_id` bigint NOT NULL,`action` varchar(10) NOT NULL,`decided_on` char(10) NOT NULL,`basis` text NOT NULL,`from_type` varchar(30) NOT NULL,`to_type` varchar(30) NOT NULL,`from_period_months` bigint,`to_period_months` bigint,`from_influence_until` char(10),`to_influence_until` char(10),`actor_id` bigint NOT NULL,`at` datetime(6) NOT NULL,PRIMARY KEY (`id`),INDEX `idx_sanction_changes_flag` (`flag_id`,`id`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `flags` ADD `audit_type` varchar(30);
ALTER TABLE `flags` ADD `feedback_on` char(10);
ALTER TABLE `flags` ADD `measure_decided_on` char(10);
ALTER TABLE `flags` ADD `measure_type` varchar(30);
ALTER TABLE `flags` ADD `outcome_form` bigint;
ALTER TABLE `flags` ADD `rectified_on` char(10);
ALTER TABLE `flags` ADD `responsibility` varchar(20);
