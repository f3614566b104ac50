-- Leases of periodic jobs (services/jobs): one row a job, taken and renewed
-- by one conditional UPDATE, so one replica at a time runs each job.
-- sqlite
CREATE TABLE `job_leases` (`name` text,`holder` text NOT NULL,`expires_at` datetime NOT NULL,`taken_at` datetime NOT NULL,`version` integer NOT NULL,PRIMARY KEY (`name`));
-- mysql
CREATE TABLE `job_leases` (`name` varchar(64),`holder` varchar(128) NOT NULL,`expires_at` datetime(6) NOT NULL,`taken_at` datetime(6) NOT NULL,`version` bigint NOT NULL,PRIMARY KEY (`name`))ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
