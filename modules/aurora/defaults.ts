/**
 * Opinionated defaults of `AuroraPostgres`, kept as data so a reviewer can read
 * them in one place.
 */

/** Where RDS exports logs; the only export Aurora PostgreSQL offers besides `iam-db-auth-error` on newer engines. */
export const LOG_EXPORTS = ["postgresql"] as const;

/**
 * Cluster parameters. `apply` is what RDS needs to take the value: dynamic
 * parameters apply at once, static ones at the next reboot.
 */
export interface ClusterParameter {
  readonly name: string;
  readonly value: string;
  readonly apply: "immediate" | "pending-reboot";
  /** Why the platform sets it; shown in the README and kept next to the value. */
  readonly why: string;
}

export const CLUSTER_PARAMETERS: readonly ClusterParameter[] = [
  {
    name: "rds.force_ssl",
    value: "1",
    // Reboot-applied so the same setting works on engines where it was static (before 15).
    apply: "pending-reboot",
    why: "refuse every connection that is not TLS-encrypted",
  },
  { name: "log_connections", value: "1", apply: "immediate", why: "who connected, from where, when" },
  { name: "log_disconnections", value: "1", apply: "immediate", why: "session length, pairs with log_connections" },
  {
    name: "log_min_duration_statement",
    value: "1000",
    apply: "immediate",
    why: "statements slower than 1 s, with their text, for tuning",
  },
  { name: "log_statement", value: "ddl", apply: "immediate", why: "every schema change (CREATE, ALTER, DROP) is audited" },
  { name: "log_lock_waits", value: "1", apply: "immediate", why: "lock waits longer than deadlock_timeout" },
];

/** Daily backup window in UTC: 17:00 UTC is 02:00 in Seoul, the platform's quietest hour. */
export const PREFERRED_BACKUP_WINDOW = "17:00-17:30";

/** Weekly maintenance window in UTC, after the backup window so the two never overlap. */
export const PREFERRED_MAINTENANCE_WINDOW = "sun:18:00-sun:19:00";

export const DEFAULT_DATABASE_NAME = "taskboard";
export const DEFAULT_PORT = 5432;
export const DEFAULT_MASTER_USERNAME = "dbadmin";

/** Performance Insights retention: 7 days is the free tier. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

/** The RDS CA the instances present; the 2048-bit RSA CA is valid to 2061 and trusted by every client bundle. */
export const CA_CERTIFICATE_IDENTIFIER = "rds-ca-rsa2048-g1";

/** Intervals Enhanced Monitoring accepts; 0 turns it off. */
export const MONITORING_INTERVALS_SECONDS = [0, 1, 5, 10, 15, 30, 60] as const;

/**
 * Oldest minor of each major that runs Serverless v2 (`db.serverless`).
 * Majors above the last key are assumed to support it.
 */
export const SERVERLESS_V2_MIN_MINOR: Readonly<Record<number, number>> = { 13: 6, 14: 3, 15: 2, 16: 1 };
export const SERVERLESS_V2_MIN_MAJOR = 13;

/** The AWS managed policy Enhanced Monitoring's role needs (resource path; the ARN adds the partition). */
export const ENHANCED_MONITORING_POLICY = "policy/service-role/AmazonRDSEnhancedMonitoringRole";
