-- The keyed record of where MAC checking starts (issue 22 item 2,
-- docs/access-log.md): an HMAC over mac_from and the hash before it.
-- sqlite
ALTER TABLE `chain_heads` ADD `mac_from_tag` text NOT NULL DEFAULT "";
-- mysql
ALTER TABLE `chain_heads` ADD `mac_from_tag` varchar(64) NOT NULL DEFAULT '';
