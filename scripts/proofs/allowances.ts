/**
 * Everything the least-privilege proof accepts beyond "the code calls it",
 * each with its reason. Keep these lists short: every row is a place where
 * the proof trusts a human instead of the bundle.
 */

/** KMS actions a service uses on a caller's behalf for envelope encryption (what `EncryptionKey` grants). */
export const ENVELOPE_KMS_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

/**
 * Actions the role needs although its code never calls them: AWS calls them
 * with the role's credentials for the platform around the code. The proof
 * derives each from the stack (the function's log group, its tracing mode,
 * its failure target, the task definition) and requires the grant to be on
 * exactly that resource.
 */
export const PLATFORM_NEEDS = {
  "lambda-logs": {
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    reason: "the Lambda service writes the function's output to its log group (logging_config.log_group) as the execution role",
  },
  "lambda-tracing": {
    actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    reason: "with tracing_config.mode Active the Lambda service sends the function's trace segments as the execution role",
  },
  "lambda-failure-target": {
    actions: [],
    reason:
      "Lambda sends an event that failed every retry to the dead-letter target or on-failure destination as the execution role " +
      "(and checks the permission when the function is created)",
  },
  "kms-via-service": {
    actions: [...ENVELOPE_KMS_ACTIONS],
    reason:
      "a service that encrypts with a customer managed key (DynamoDB, SQS, Secrets Manager) calls KMS as the caller; " +
      "the kms:ViaService condition confines the grant to those calls, and which KMS operations it makes is the service's choice, not the code's",
  },
  "ecs-image-pull": {
    actions: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    reason: "the ECS agent pulls the container image from the ECR repository the task definition names, as the execution role",
  },
  "ecs-awslogs": {
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    reason: "the awslogs driver ships the container's output to the log group the task definition names, as the execution role",
  },
  "ecs-secrets": {
    actions: ["secretsmanager:GetSecretValue"],
    reason: "the ECS agent resolves the container's `secrets` (valueFrom) before the container starts, as the execution role",
  },
} as const satisfies Record<string, { readonly actions: readonly string[]; readonly reason: string }>;

export type PlatformNeed = keyof typeof PLATFORM_NEEDS;

/**
 * Actions IAM cannot scope to a resource: a `*` resource is accepted for
 * these and nothing else (`"*"`, or an ARN that names every resource of a
 * type, such as `arn:aws:logs:<region>:<account>:log-group:*`).
 */
export const UNSCOPABLE_ACTIONS: Readonly<Record<string, string>> = {
  "xray:PutTraceSegments": "X-Ray defines no resource type for it",
  "xray:PutTelemetryRecords": "X-Ray defines no resource type for it",
  "xray:GetSamplingRules": "X-Ray defines no resource type for it",
  "xray:GetSamplingTargets": "X-Ray defines no resource type for it",
  "ecr:GetAuthorizationToken": "the registry token is account-wide; the image actions are scoped to the repository",
  "dynamodb:ListStreams": "no resource type; it returns stream ARNs and table names only, no data",
  "logs:DescribeLogGroups": "lists the account's log groups (flow logs check the group exists); it reads no log data",
};

/**
 * AWS managed policies, which the proof cannot read offline ("managed, not
 * analysed"), and the only service principals whose roles may carry them.
 */
export const ALLOWED_MANAGED_POLICIES: Readonly<Record<string, { readonly trustedService: string; readonly reason: string }>> = {
  "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role": {
    trustedService: "ec2.amazonaws.com",
    reason: "the ECS agent on the container instances registers them with the cluster; AWS maintains its action list",
  },
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": {
    trustedService: "ec2.amazonaws.com",
    reason: "Session Manager access to the container instances instead of SSH",
  },
  "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole": {
    trustedService: "monitoring.rds.amazonaws.com",
    reason: "RDS Enhanced Monitoring publishes OS metrics to CloudWatch Logs",
  },
};

/** An SDK operation that ships in a bundle but that the handler never calls. */
export interface BundledNotCalled {
  /** The IAM action the operation maps to, e.g. `dynamodb:Query`. */
  readonly action: string;
  /**
   * Names that, found in the handler's own sources (not node_modules), mean
   * it does call the operation; the proof then refuses the entry.
   */
  readonly callers: readonly string[];
  readonly reason: string;
}

/** What the proof must know about a workload besides its bundle. */
export interface WorkloadProfile {
  /** The source entry the bundle is built from (repository-relative); its first-party inputs are searched for `callers`. */
  readonly entry: string;
  readonly bundledNotCalled: readonly BundledNotCalled[];
}

/*
 * @aws-sdk/lib-dynamodb declares no `sideEffects: false`, so esbuild keeps its
 * module-level paginators (`paginateQuery = createPaginator(client, QueryCommand, ...)`,
 * likewise Scan) and with them QueryCommand and ScanCommand in every bundle
 * that imports the package, whether or not the handler queries or scans.
 */
const LIB_DYNAMODB_KEEPS_PAGINATORS = "kept only by @aws-sdk/lib-dynamodb's module-level paginators (the package is not side-effect free)";

const QUERY_VIA_PAGINATOR: BundledNotCalled = {
  action: "dynamodb:Query",
  callers: ["QueryCommand", "paginateQuery"],
  reason: LIB_DYNAMODB_KEEPS_PAGINATORS,
};
const SCAN_VIA_PAGINATOR: BundledNotCalled = {
  action: "dynamodb:Scan",
  callers: ["ScanCommand", "paginateScan"],
  reason: LIB_DYNAMODB_KEEPS_PAGINATORS,
};

/**
 * Per workload (the construct id of the function or service, e.g.
 * `auth-function`, `tasks-api`): operations its bundle carries but its code
 * never calls. A workload without false positives needs no entry.
 */
export const WORKLOAD_PROFILES: Readonly<Record<string, WorkloadProfile>> = {
  "auth-function": { entry: "handlers/auth/index.ts", bundledNotCalled: [QUERY_VIA_PAGINATOR] },
  "notifier-function": { entry: "handlers/notifier/index.ts", bundledNotCalled: [QUERY_VIA_PAGINATOR, SCAN_VIA_PAGINATOR] },
  "tasks-api": { entry: "handlers/tasks-api/main.ts", bundledNotCalled: [SCAN_VIA_PAGINATOR] },
};
