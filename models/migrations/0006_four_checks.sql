-- The four checks before a promotion (SPEC 13, issue 18): a cadre's
-- reports_personal_matters (SPEC 5) and a flag's specific (is_specific,
-- SPEC 8); dossier reviews with their findings, personal-matters checks,
-- integrity-opinion requests with the flags a reply names (one pending
-- request per cadre: the unique index on pending_cadre_id); and what a
-- vetting relied on (SPEC 9: becomes_reporting_subject and the basis).
-- sqlite
ALTER TABLE `cadres` ADD `reports_personal_matters` numeric NOT NULL DEFAULT false;
ALTER TABLE `flags` ADD `is_specific` numeric NOT NULL DEFAULT false;
CREATE TABLE `dossier_reviews` (`id` integer PRIMARY KEY AUTOINCREMENT,`cadre_id` integer NOT NULL,`reviewed_on` char(10) NOT NULL,`conclusion` text NOT NULL,`note` text NOT NULL,`recorded_by` integer NOT NULL,`recorded_by_name` text NOT NULL,`recorded_at` datetime NOT NULL);
CREATE INDEX `idx_dossier_reviews_cadre` ON `dossier_reviews`(`cadre_id`,`id`);
CREATE TABLE `dossier_findings` (`review_id` integer,`item` text,`result` text NOT NULL,`note` text NOT NULL,PRIMARY KEY (`review_id`,`item`));
CREATE TABLE `personal_matters_checks` (`id` integer PRIMARY KEY AUTOINCREMENT,`cadre_id` integer NOT NULL,`kind` text NOT NULL,`checked_on` char(10) NOT NULL,`result` text NOT NULL,`family_emigrated` numeric NOT NULL DEFAULT false,`note` text NOT NULL,`recorded_by` integer NOT NULL,`recorded_by_name` text NOT NULL,`recorded_at` datetime NOT NULL);
CREATE INDEX `idx_pm_checks_cadre` ON `personal_matters_checks`(`cadre_id`,`id`);
CREATE TABLE `integrity_opinions` (`id` integer PRIMARY KEY AUTOINCREMENT,`cadre_id` integer NOT NULL,`pending_cadre_id` integer,`purpose` text NOT NULL,`note` text NOT NULL,`due_on` char(10) NOT NULL,`status` text NOT NULL,`requested_by` integer NOT NULL,`requested_by_name` text NOT NULL,`requested_at` datetime NOT NULL,`conclusion` text,`text` text NOT NULL,`signed_by` text NOT NULL,`replied_by` integer,`replied_by_name` text,`replied_at` datetime,`late` numeric NOT NULL DEFAULT false,`withdrawn_by` integer,`withdrawn_at` datetime);
CREATE INDEX `idx_opinions_cadre` ON `integrity_opinions`(`cadre_id`,`id`);
CREATE UNIQUE INDEX `idx_opinions_pending` ON `integrity_opinions`(`pending_cadre_id`);
CREATE INDEX `idx_opinions_status_id` ON `integrity_opinions`(`status`,`id`);
CREATE INDEX `idx_opinions_status_due` ON `integrity_opinions`(`status`,`due_on`);
CREATE TABLE `integrity_opinion_flags` (`opinion_id` integer,`flag_id` integer,PRIMARY KEY (`opinion_id`,`flag_id`));
ALTER TABLE `vettings` ADD `becomes_reporting_subject` numeric NOT NULL DEFAULT false;
ALTER TABLE `vettings` ADD `basis_dossier_review_id` integer;
ALTER TABLE `vettings` ADD `basis_personal_matters_check_id` integer;
ALTER TABLE `vettings` ADD `basis_integrity_opinion_id` integer;
-- mysql
ALTER TABLE `cadres` ADD `reports_personal_matters` boolean NOT NULL DEFAULT false;
ALTER TABLE `flags` ADD `is_specific` boolean NOT NULL DEFAULT false;
CREATE TABLE `dossier_reviews` (`id` bigint AUTO_INCREMENT,`cadre_id` bigint NOT NULL,`reviewed_on` char(10) NOT NULL,`conclusion` varchar(20) NOT NULL,`note` text NOT NULL,`recorded_by` bigint NOT NULL,`recorded_by_name` varchar(100) NOT NULL,`recorded_at` datetime(6) NOT NULL,PRIMARY KEY (`id`),INDEX `idx_dossier_reviews_cadre` (`cadre_id`,`id`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `dossier_findings` (`review_id` bigint,`item` varchar(20),`result` varchar(20) NOT NULL,`note` text NOT NULL,PRIMARY KEY (`review_id`,`item`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `personal_matters_checks` (`id` bigint AUTO_INCREMENT,`cadre_id` bigint NOT NULL,`kind` varchar(20) NOT NULL,`checked_on` char(10) NOT NULL,`result` varchar(20) NOT NULL,`family_emigrated` boolean NOT NULL DEFAULT false,`note` text NOT NULL,`recorded_by` bigint NOT NULL,`recorded_by_name` varchar(100) NOT NULL,`recorded_at` datetime(6) NOT NULL,PRIMARY KEY (`id`),INDEX `idx_pm_checks_cadre` (`cadre_id`,`id`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `integrity_opinions` (`id` bigint AUTO_INCREMENT,`cadre_id` bigint NOT NULL,`pending_cadre_id` bigint,`purpose` varchar(20) NOT NULL,`note` text NOT NULL,`due_on` char(10) NOT NULL,`status` varchar(20) NOT NULL,`requested_by` bigint NOT NULL,`requested_by_name` varchar(100) NOT NULL,`requested_at` datetime(6) NOT NULL,`conclusion` varchar(30),`text` text NOT NULL,`signed_by` varchar(50) NOT NULL,`replied_by` bigint,`replied_by_name` varchar(100),`replied_at` datetime(6) NULL,`late` boolean NOT NULL DEFAULT false,`withdrawn_by` bigint,`withdrawn_at` datetime(6) NULL,PRIMARY KEY (`id`),INDEX `idx_opinions_cadre` (`cadre_id`,`id`),INDEX `idx_opinions_status_id` (`status`,`id`),UNIQUE INDEX `idx_opinions_pending` (`pending_cadre_id`),INDEX `idx_opinions_status_due` (`status`,`due_on`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `integrity_opinion_flags` (`opinion_id` bigint,`flag_id` bigint,PRIMARY KEY (`opinion_id`,`flag_id`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `vettings` ADD `becomes_reporting_subject` boolean NOT NULL DEFAULT false;
ALTER TABLE `vettings` ADD `basis_dossier_review_id` bigint;
ALTER TABLE `vettings` ADD `basis_personal_matters_check_id` bigint;
ALTER TABLE `vettings` ADD `basis_integrity_opinion_id` bigint;
