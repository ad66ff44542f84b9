/** The platform's Lambda defaults, as data: what every function gets unless its props say otherwise. */
export const LAMBDA_DEFAULTS = {
  /** The current Node.js LTS runtime; the bundler targets the same version (`node22`). */
  runtime: "nodejs22.x",
  /** Graviton: about 20% cheaper per GB-second than x86 and as fast for Node.js; bundles are pure JS. */
  architecture: "arm64",
  /** Enough for a bundled SDK client and JSON work; CPU scales with memory, so latency-bound handlers may want more. */
  memoryMiB: 256,
  /** API-facing handlers should answer well inside API Gateway's 29 s; 10 s surfaces hangs quickly. */
  timeoutSeconds: 10,
  /** JSON logs with levels let CloudWatch filter by level and Logs Insights parse fields without regexes. */
  logFormat: "JSON",
  applicationLogLevel: "INFO",
  /** Lambda's own platform lines (START/END/REPORT are kept at INFO); WARN drops the noise, keeps problems. */
  systemLogLevel: "WARN",
  /** Lambda's own defaults for asynchronous invocations, stated so a plan shows them. */
  asyncRetryAttempts: 2,
  asyncMaxEventAgeSeconds: 21_600,
} as const;

export const MEMORY_MIB_RANGE = { min: 128, max: 10_240 } as const;
export const TIMEOUT_SECONDS_RANGE = { min: 1, max: 900 } as const;
export const ASYNC_RETRY_ATTEMPTS_RANGE = { min: 0, max: 2 } as const;
export const ASYNC_MAX_EVENT_AGE_SECONDS_RANGE = { min: 60, max: 21_600 } as const;

/** Application log levels Lambda's advanced logging accepts. */
export const APPLICATION_LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
export type ApplicationLogLevel = (typeof APPLICATION_LOG_LEVELS)[number];

/**
 * Environment variables the Lambda runtime sets itself; CreateFunction rejects
 * them (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const RESERVED_ENVIRONMENT_VARIABLES: readonly string[] = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_DEFAULT_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_RUNTIME_API",
  "AWS_REGION",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "LAMBDA_RUNTIME_DIR",
  "LAMBDA_TASK_ROOT",
];

/** Lambda's rule for variable names: a letter, then at least one letter, digit or underscore. */
export const ENVIRONMENT_VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]+$/;
