/**
 * CloudWatch metric descriptors, as data: namespace, name, dimensions,
 * statistic and period. The monitoring module turns them into alarms and
 * dashboard lines; owning modules can later expose the same descriptors as
 * `metricXxx()` methods (`fn.metricErrors()` returning `LambdaMetrics.errors(fn.functionName)`).
 *
 * Dimension values may be Terraform references (`table.tableName`): a
 * descriptor is only ever rendered into resource arguments or the dashboard
 * body, where references resolve.
 */

/** CloudWatch statistics; `pNN` / `pNN.N` percentiles become `extended_statistic` on alarms. */
export type Statistic = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount" | `p${number}`;

export interface MetricDescriptor {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  /** Seconds each data point aggregates. */
  readonly periodSeconds: number;
  /** The region the metric lives in when it is not the stack's (billing metrics: `us-east-1`). @default - the stack's region */
  readonly region?: string;
}

/** Standard-resolution metrics are published per minute; 5 minutes smooths single blips without hiding incidents. */
export const DEFAULT_PERIOD_SECONDS = 300;

export function metric(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  statistic: Statistic,
  periodSeconds: number = DEFAULT_PERIOD_SECONDS,
): MetricDescriptor {
  return { namespace, metricName, dimensions, statistic, periodSeconds };
}

/** The same metric with another statistic or period. */
export function withStatistic(descriptor: MetricDescriptor, statistic: Statistic, periodSeconds?: number): MetricDescriptor {
  return { ...descriptor, statistic, periodSeconds: periodSeconds ?? descriptor.periodSeconds };
}

export function isPercentile(statistic: Statistic): boolean {
  return /^p\d+(\.\d+)?$/.test(statistic);
}

/** AWS/Lambda, per function (`FunctionName`). */
export const LambdaMetrics = {
  errors: (functionName: string) => metric("AWS/Lambda", "Errors", { FunctionName: functionName }, "Sum"),
  throttles: (functionName: string) => metric("AWS/Lambda", "Throttles", { FunctionName: functionName }, "Sum"),
  invocations: (functionName: string) => metric("AWS/Lambda", "Invocations", { FunctionName: functionName }, "Sum"),
  duration: (functionName: string) => metric("AWS/Lambda", "Duration", { FunctionName: functionName }, "p99"),
};

/**
 * AWS/ApiGateway for an HTTP API: dimensions `ApiId` + `Stage` (REST APIs use
 * `ApiName` and publish `5XXError`; HTTP APIs publish `5xx`, `4xx`, `Count`, `Latency`).
 */
export const HttpApiMetrics = {
  requests: (apiId: string, stage: string) => metric("AWS/ApiGateway", "Count", { ApiId: apiId, Stage: stage }, "Sum"),
  serverErrors: (apiId: string, stage: string) => metric("AWS/ApiGateway", "5xx", { ApiId: apiId, Stage: stage }, "Sum"),
  clientErrors: (apiId: string, stage: string) => metric("AWS/ApiGateway", "4xx", { ApiId: apiId, Stage: stage }, "Sum"),
  latency: (apiId: string, stage: string) => metric("AWS/ApiGateway", "Latency", { ApiId: apiId, Stage: stage }, "p99"),
};

/** AWS/ApplicationELB for one target group behind one load balancer (both ARN suffixes). */
export const AlbMetrics = {
  target5xx: (loadBalancer: string, targetGroup: string) =>
    metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", { LoadBalancer: loadBalancer, TargetGroup: targetGroup }, "Sum"),
  unhealthyHosts: (loadBalancer: string, targetGroup: string) =>
    metric("AWS/ApplicationELB", "UnHealthyHostCount", { LoadBalancer: loadBalancer, TargetGroup: targetGroup }, "Maximum", 60),
  healthyHosts: (loadBalancer: string, targetGroup: string) =>
    metric("AWS/ApplicationELB", "HealthyHostCount", { LoadBalancer: loadBalancer, TargetGroup: targetGroup }, "Minimum", 60),
  targetResponseTime: (loadBalancer: string, targetGroup: string) =>
    metric("AWS/ApplicationELB", "TargetResponseTime", { LoadBalancer: loadBalancer, TargetGroup: targetGroup }, "p99"),
};

/**
 * ECS service metrics: utilisation from AWS/ECS; task counts from Container
 * Insights (`ECS/ContainerInsights`, on by default in the ecs-cluster module),
 * which AWS/ECS does not publish.
 */
export const EcsMetrics = {
  cpuUtilization: (clusterName: string, serviceName: string) =>
    metric("AWS/ECS", "CPUUtilization", { ClusterName: clusterName, ServiceName: serviceName }, "Average"),
  memoryUtilization: (clusterName: string, serviceName: string) =>
    metric("AWS/ECS", "MemoryUtilization", { ClusterName: clusterName, ServiceName: serviceName }, "Average"),
  runningTasks: (clusterName: string, serviceName: string) =>
    metric("ECS/ContainerInsights", "RunningTaskCount", { ClusterName: clusterName, ServiceName: serviceName }, "Average", 60),
  desiredTasks: (clusterName: string, serviceName: string) =>
    metric("ECS/ContainerInsights", "DesiredTaskCount", { ClusterName: clusterName, ServiceName: serviceName }, "Average", 60),
};

/** AWS/RDS at cluster level (`DBClusterIdentifier`); capacity metrics are Aurora Serverless v2's. */
export const AuroraMetrics = {
  cpuUtilization: (clusterIdentifier: string) =>
    metric("AWS/RDS", "CPUUtilization", { DBClusterIdentifier: clusterIdentifier }, "Average"),
  connections: (clusterIdentifier: string) =>
    metric("AWS/RDS", "DatabaseConnections", { DBClusterIdentifier: clusterIdentifier }, "Maximum"),
  /** Capacity as a percentage of the cluster's maximum ACU. */
  acuUtilization: (clusterIdentifier: string) =>
    metric("AWS/RDS", "ACUUtilization", { DBClusterIdentifier: clusterIdentifier }, "Maximum"),
  capacityAcu: (clusterIdentifier: string) =>
    metric("AWS/RDS", "ServerlessDatabaseCapacity", { DBClusterIdentifier: clusterIdentifier }, "Maximum"),
};

/**
 * AWS/DynamoDB per table. `ThrottledRequests` also needs an `Operation`
 * dimension (one metric per API call), so table-wide throttling is read from
 * `ReadThrottleEvents` + `WriteThrottleEvents`, which need only `TableName`.
 */
export const DynamoDbMetrics = {
  readThrottles: (tableName: string) => metric("AWS/DynamoDB", "ReadThrottleEvents", { TableName: tableName }, "Sum"),
  writeThrottles: (tableName: string) => metric("AWS/DynamoDB", "WriteThrottleEvents", { TableName: tableName }, "Sum"),
};

/** AWS/EventBridge/Pipes per pipe (`PipeName`). */
export const PipeMetrics = {
  executionFailed: (pipeName: string) => metric("AWS/EventBridge/Pipes", "ExecutionFailed", { PipeName: pipeName }, "Sum"),
  targetStageFailed: (pipeName: string) => metric("AWS/EventBridge/Pipes", "TargetStageFailed", { PipeName: pipeName }, "Sum"),
  events: (pipeName: string) => metric("AWS/EventBridge/Pipes", "EventCount", { PipeName: pipeName }, "Sum"),
};

/**
 * AWS/Events per rule. Rules on a custom event bus publish with both
 * `EventBusName` and `RuleName`; rules on the default bus with `RuleName` only.
 */
export const EventRuleMetrics = {
  failedInvocations: (ruleName: string, eventBusName?: string) =>
    metric("AWS/Events", "FailedInvocations", ruleDimensions(ruleName, eventBusName), "Sum"),
  invocationsSentToDlq: (ruleName: string, eventBusName?: string) =>
    metric("AWS/Events", "InvocationsSentToDlq", ruleDimensions(ruleName, eventBusName), "Sum"),
  invocations: (ruleName: string, eventBusName?: string) =>
    metric("AWS/Events", "Invocations", ruleDimensions(ruleName, eventBusName), "Sum"),
};

function ruleDimensions(ruleName: string, eventBusName: string | undefined): Record<string, string> {
  return eventBusName === undefined ? { RuleName: ruleName } : { EventBusName: eventBusName, RuleName: ruleName };
}

/** AWS/SQS per queue (`QueueName`). */
export const SqsMetrics = {
  visibleMessages: (queueName: string) =>
    metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: queueName }, "Maximum"),
};

/**
 * AWS/SES account-level reputation: the rates SES itself enforces (review at
 * 5% bounces / 0.1% complaints). Values are fractions (0.05 = 5%).
 */
export const SesMetrics = {
  bounceRate: () => metric("AWS/SES", "Reputation.BounceRate", {}, "Maximum", 3600),
  complaintRate: () => metric("AWS/SES", "Reputation.ComplaintRate", {}, "Maximum", 3600),
  bounces: () => metric("AWS/SES", "Bounce", {}, "Sum"),
  complaints: () => metric("AWS/SES", "Complaint", {}, "Sum"),
};

/** The region AWS publishes billing metrics in, whatever the account's home region. */
export const BILLING_REGION = "us-east-1";

/** AWS/Billing: month-to-date estimated charges, published a few times a day, only in us-east-1. */
export const BillingMetrics = {
  estimatedCharges: (currency = "USD"): MetricDescriptor => ({
    ...metric("AWS/Billing", "EstimatedCharges", { Currency: currency }, "Maximum", 21_600),
    region: BILLING_REGION,
  }),
};

/** A custom metric published by a log metric filter (no dimensions: filters on plain patterns cannot add any). */
export function logMetric(namespace: string, metricName: string): MetricDescriptor {
  return metric(namespace, metricName, {}, "Sum");
}
