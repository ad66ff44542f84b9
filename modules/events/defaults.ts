/** Opinionated settings of the task-event pipeline and of scheduled tasks. */
import { TASK_EVENT_REPLAY_WINDOW_DAYS } from "../../contracts/events";

/** A CloudWatch metric, named so the monitoring module can alarm on it without knowing this module's internals. */
export interface MetricIdentifier {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

export const BUS_DEFAULTS = {
  /** The whole replay window the notifier deduplicates over; the table keeps the full history anyway. */
  archiveRetentionDays: TASK_EVENT_REPLAY_WINDOW_DAYS,
} as const;

export const PIPE_DEFAULTS = {
  /** Only new writes matter: a pipe (re)created later must not mail a day of old events again. */
  startingPosition: "LATEST",
  /** PutEvents takes at most 10 entries, so a larger batch only splits again at the target. */
  batchSize: 10,
  /** Few retries: a record that fails this often is poison, and an unbounded retry (-1) would block its shard for 24 h. */
  maximumRetryAttempts: 3,
  /** Halves a failing batch until the poison record is alone, so its neighbours still get through. */
  onPartialBatchItemFailure: "AUTOMATIC_BISECT",
} as const;

export const RULE_TARGET_DEFAULTS = {
  /** EventBridge retries only delivery (throttling, a missing permission); handler errors are Lambda's async retries. */
  maximumRetryAttempts: 8,
  /** An hour-late notification is still useful; older ones go to the dead-letter queue instead. */
  maximumEventAgeSeconds: 3600,
} as const;

export const SCHEDULE_DEFAULTS = {
  timeZone: "UTC",
  maximumRetryAttempts: 2,
  /** A daily reminder an hour late is still worth running; later than that, the DLQ records that it did not run. */
  maximumEventAgeSeconds: 3600,
} as const;

/** Service limits that shape names and validation. */
export const LIMITS = {
  busNameLength: 256,
  archiveNameLength: 48,
  pipeNameLength: 64,
  ruleNameLength: 64,
  scheduleNameLength: 64,
  pipeBatchSize: { min: 1, max: 10 },
  pipeMaximumRetryAttempts: { min: 0, max: 10000 },
  ruleMaximumRetryAttempts: { min: 0, max: 185 },
  ruleMaximumEventAgeSeconds: { min: 60, max: 86400 },
  scheduleMaximumRetryAttempts: { min: 0, max: 185 },
  scheduleMaximumEventAgeSeconds: { min: 60, max: 86400 },
} as const;

/** CloudWatch namespaces of the services this module uses. */
export const METRIC_NAMESPACES = {
  pipes: "AWS/EventBridge/Pipes",
  events: "AWS/Events",
  scheduler: "AWS/Scheduler",
  sqs: "AWS/SQS",
} as const;
