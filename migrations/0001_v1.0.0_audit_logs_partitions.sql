-- Hand-written (drizzle-kit cannot express partitioning): monthly partitions for audit_logs.
-- The spec's RANGE (TO_DAYS(timestamp)) on a TIMESTAMP column is rejected by MySQL, MariaDB and TiDB;
-- RANGE COLUMNS on a DATETIME(6) column that belongs to the primary key is accepted by all three.
-- Later months are added by partition maintenance (src/db/partitions.ts: REORGANIZE PARTITION p_future).
ALTER TABLE `audit_logs` PARTITION BY RANGE COLUMNS (`timestamp`) (
  PARTITION `p202601` VALUES LESS THAN ('2026-02-01 00:00:00'),
  PARTITION `p202602` VALUES LESS THAN ('2026-03-01 00:00:00'),
  PARTITION `p_future` VALUES LESS THAN (MAXVALUE)
);
