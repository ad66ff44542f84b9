/** The opinionated settings every table in the platform gets. */
export const TABLE_DEFAULTS = {
  /** On-demand: no capacity to plan or autoscale, and an idle dev table costs only its storage. */
  billingMode: "PAY_PER_REQUEST",
  /** Infrequent-access pays off only for large, rarely read tables; ours are small and hot. */
  tableClass: "STANDARD",
  /** Continuous backups with restore to any second of the last 35 days (the provider's default period). */
  pointInTimeRecovery: true,
  /** A table is state: `terraform destroy` or a replacing change must not delete it unless the environment opts out. */
  deletionProtection: true,
} as const;

/** DynamoDB's limit on attribute names used as keys. */
export const MAX_KEY_ATTRIBUTE_NAME_LENGTH = 255;

/** DynamoDB's limit on table names. */
export const MAX_TABLE_NAME_LENGTH = 255;
