-- Hand-written (drizzle-kit cannot express partitioning): monthly partitions for token_usage.
-- See 0001 for why RANGE COLUMNS on DATETIME(6) replaces the spec's RANGE (TO_DAYS(timestamp)).
ALTER TABLE `token_usage` PARTITION BY RANGE COLUMNS (`timestamp`) (
  PARTITION `p202601` VALUES LESS THAN ('2026-02-01 00:00:00'),
  PARTITION `p202602` VALUES LESS THAN ('2026-03-01 00:00:00'),
  PARTITION `p202603` VALUES LESS THAN ('2026-04-01 00:00:00'),
  PARTITION `p_future` VALUES LESS THAN (MAXVALUE)
);
