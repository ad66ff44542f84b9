/** Opinionated defaults of `Monitoring`, as data: thresholds, and how each alarm evaluates. */

export type ComparisonOperator =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

/**
 * What an alarm does for a period without data:
 * `notBreaching` (treat as good), `breaching` (treat as bad), `missing`
 * (keep the current state; never alarms on a gap alone), `ignore`.
 */
export type TreatMissingData = "notBreaching" | "breaching" | "missing" | "ignore";

/** Thresholds an environment may override (`thresholds` prop); every alarm reads its number from here. */
export interface AlarmThresholds {
  /** Lambda `Errors` in 5 minutes, per function; the original design's "3 or more in 5 minutes". */
  readonly lambdaErrorsPer5Min: number;
  /** HTTP API `5xx` responses in 5 minutes, per API stage. */
  readonly apiServerErrorsPer5Min: number;
  /** HTTP API p99 `Latency` (milliseconds) sustained for 15 minutes. */
  readonly apiLatencyP99Ms: number;
  /** ALB `HTTPCode_Target_5XX_Count` in 5 minutes, per target group. */
  readonly albTarget5xxPer5Min: number;
  /** ECS service average CPU (percent) sustained for 15 minutes. */
  readonly ecsCpuPercent: number;
  /** ECS service average memory (percent) sustained for 15 minutes. */
  readonly ecsMemoryPercent: number;
  /** Aurora cluster CPU (percent) sustained for 15 minutes. */
  readonly auroraCpuPercent: number;
  /** Aurora `DatabaseConnections` sustained for 15 minutes; keep it below the `max_connections` of the cluster's maximum ACU. */
  readonly auroraConnections: number;
  /** Aurora Serverless v2 `ACUUtilization` (percent of max ACU) sustained for 15 minutes: the cluster is about to run out of headroom. */
  readonly auroraAcuUtilizationPercent: number;
  /** SES account bounce rate (fraction); SES puts an account under review at 0.05. */
  readonly sesBounceRate: number;
  /** SES account complaint rate (fraction); SES puts an account under review at 0.001. */
  readonly sesComplaintRate: number;
  /** `ERROR` log lines in 5 minutes, per log group. */
  readonly errorLogLinesPer5Min: number;
}

export const DEFAULT_THRESHOLDS: AlarmThresholds = {
  lambdaErrorsPer5Min: 3,
  apiServerErrorsPer5Min: 5,
  // Handlers time out at 10 s and API Gateway at 30 s; p99 over 3 s for 15 minutes is users waiting.
  apiLatencyP99Ms: 3_000,
  albTarget5xxPer5Min: 5,
  ecsCpuPercent: 85,
  ecsMemoryPercent: 85,
  auroraCpuPercent: 80,
  // Aurora PostgreSQL's max_connections follows the maximum ACU (about 400 at 2 ACU, dev's
  // maximum); half of it leaves time to act. Larger clusters can raise it.
  auroraConnections: 200,
  auroraAcuUtilizationPercent: 90,
  sesBounceRate: 0.05,
  sesComplaintRate: 0.001,
  errorLogLinesPer5Min: 3,
};

/** Thresholds that are percentages (0 < value <= 100) and fractions (0 < value < 1); the rest are positive counts or milliseconds. */
export const PERCENT_THRESHOLDS: readonly (keyof AlarmThresholds)[] = [
  "ecsCpuPercent",
  "ecsMemoryPercent",
  "auroraCpuPercent",
  "auroraAcuUtilizationPercent",
];
export const RATE_THRESHOLDS: readonly (keyof AlarmThresholds)[] = ["sesBounceRate", "sesComplaintRate"];

/** How one kind of alarm evaluates. Period comes from the metric descriptor. */
export interface AlarmPolicy {
  readonly comparison: ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/**
 * One entry per alarm kind; the comment on each says why missing data is treated as it is.
 * Count metrics that AWS publishes only when non-zero (Lambda errors, 5xx,
 * pipe and rule failures, throttles) have no data in a healthy period, so a
 * gap is good news: `notBreaching`.
 */
export const ALARM_POLICIES = {
  /** No invocations, no `Errors` data point: healthy. */
  lambdaErrors: { comparison: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** `Throttles` is only published when a function is invoked: a gap is no throttling. */
  lambdaThrottles: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** No requests in a period publish no `5xx`: healthy. */
  apiServerErrors: { comparison: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** Latency needs requests; a quiet API (dev at night) must not alarm or flap. Three periods: one slow burst is not an incident. */
  apiLatency: { comparison: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching" },
  /** Like API 5xx: no requests, no data, healthy. */
  albTarget5xx: { comparison: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /**
   * Published every minute while the target group is attached, so a gap is a
   * CloudWatch delay, not news: `missing` keeps the last state. Three minutes
   * rides out a target failing one health check during a deployment.
   */
  albUnhealthyHosts: { comparison: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "missing" },
  /**
   * Container Insights publishes both counts every minute for a live service;
   * no data means the service or its telemetry is gone, which an operator
   * must hear about: `breaching`. Five minutes lets ECS replace a failed task.
   */
  ecsTasksBelowDesired: { comparison: "GreaterThanOrEqualToThreshold", evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: "breaching" },
  /** No running tasks, no utilisation data; the task-count alarm covers that case, so a gap here is not another page. */
  ecsUtilization: { comparison: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching" },
  /**
   * RDS publishes cluster metrics every minute while the cluster runs; a gap
   * is a delay (or a stopped dev cluster): `missing` keeps the last state
   * instead of paging or silently clearing.
   */
  auroraUtilization: { comparison: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "missing" },
  /** Throttle events are published only when they happen. */
  dynamodbThrottles: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** Pipe failure counts are zero or absent when nothing fails. */
  pipeFailures: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** EventBridge sends `FailedInvocations` / `InvocationsSentToDlq` only when non-zero. */
  ruleFailures: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** SQS stops publishing for a queue idle for hours, which an empty dead-letter queue is: a gap means empty. */
  deadLetterQueueDepth: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** SES publishes reputation only while the account sends; no sending, no risk. */
  sesReputation: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /** The filter publishes 0 for ingested lines that do not match; no lines at all is a quiet service. */
  errorLogLines: { comparison: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" },
  /**
   * Billing metrics arrive a few times a day and only when billing alerts are
   * enabled in the payer account: `missing` leaves the alarm in
   * INSUFFICIENT_DATA, which shows that the prerequisite is missing instead
   * of reporting OK.
   */
  billing: { comparison: "GreaterThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "missing" },
} as const satisfies Record<string, AlarmPolicy>;

export type AlarmKind = keyof typeof ALARM_POLICIES;

/**
 * The error-line filter pattern: JSON logs whose `level` is ERROR. Lambda's
 * JSON log format writes `"level":"ERROR"` for `console.error` and uncaught
 * errors; the services' own JSON lines write `"level":"error"`. Metric filter
 * string comparisons are case-sensitive, so both spellings are listed.
 */
export const DEFAULT_ERROR_LOG_PATTERN = '{ ($.level = "ERROR") || ($.level = "error") }';

/** Labels name alarms, filters and construct ids: lower-case words joined by hyphens. */
export const LABEL_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A pragmatic address check; SNS itself only learns an address is wrong when the confirmation bounces. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
