/**
 * The pack's allow-lists and thresholds, as data. Changing one is a security
 * decision: it belongs in a reviewed commit that says why.
 */

/** Lambda runtimes the platform builds for and patches; anything else is either deprecated or untested here. */
export const LAMBDA_RUNTIMES: readonly string[] = ["nodejs22.x"];

/**
 * API routes that may run without the authorizer: only where a caller cannot
 * have a token yet. Declared here independently of `contracts/routes.ts`, so
 * making a route public takes a change in both places (a test keeps them equal).
 */
export const PUBLIC_ROUTE_KEYS: readonly string[] = ["POST /api/auth/login"];

/** Services that invoke Lambda asynchronously (event invocation), so failures need a destination. */
export const ASYNC_INVOKER_PRINCIPALS: readonly string[] = [
  "events.amazonaws.com",
  "scheduler.amazonaws.com",
  "sns.amazonaws.com",
  "s3.amazonaws.com",
  "logs.amazonaws.com",
  "ses.amazonaws.com",
  "iot.amazonaws.com",
];

/**
 * Write actions IAM authorizes only on `*` (no resource-level permissions),
 * so a statement granting them cannot name a resource.
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: readonly string[] = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "cloudwatch:PutMetricData",
];

/**
 * Actions that only read; `*` resources on these are a least-privilege
 * question, not a write exposure. API Gateway's actions are HTTP verbs.
 */
export const READ_ONLY_ACTION = /^[a-z0-9-]+:(Get|List|Describe|BatchGet|Query|Scan|Head|Search|Lookup)[A-Za-z0-9*]*$|^apigateway:GET$/;

/**
 * Condition keys that confine an Allow on `*` to specific resources (ABAC by
 * tag, or one account), for services whose create calls cannot name an ARN yet.
 */
export const RESOURCE_SCOPING_CONDITION = /^(aws|[a-z0-9-]+):(ResourceTag|RequestTag)\/|^aws:(ResourceAccount|ResourceOrgID|ResourceOrgPaths)$/i;

/**
 * AWS managed policies a role may attach: service policies AWS maintains for
 * exactly one job, reviewed for this platform. Never administrator or
 * `*FullAccess` policies.
 */
export const MANAGED_POLICY_ALLOW_LIST: Readonly<Record<string, string>> = {
  "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role":
    "ECS container instances register with their cluster and pull images",
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": "Session Manager instead of SSH on container instances",
  "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy": "ECS task execution: image pull and log delivery",
};

/** Seconds a dead-letter queue keeps a message: enough to redrive after a long weekend. */
export const MIN_DEAD_LETTER_RETENTION_SECONDS = 7 * 24 * 3600;

/** Days of automated database backups required in prod. */
export const MIN_PROD_BACKUP_RETENTION_DAYS = 7;

/** HSTS max-age the site's headers policy must send (one year, the preload list's floor). */
export const MIN_HSTS_MAX_AGE_SECONDS = 31_536_000;

/** CloudFront viewer security policies with TLS 1.2 as the floor (`TLSv1.2_2021`, `TLSv1.2_2025`, `TLSv1.3_2025`). */
export const MODERN_VIEWER_TLS = /^TLSv1\.[23]_\d{4}$/;

/** GitHub Actions' OIDC issuer and the values its trust conditions must pin. */
export const GITHUB_OIDC = {
  host: "token.actions.githubusercontent.com",
  audience: "sts.amazonaws.com",
  /** One repository and one deployment environment; no wildcards. */
  subject: /^repo:[^/:*?]+\/[^/:*?]+:environment:[^:*?]+$/,
} as const;
