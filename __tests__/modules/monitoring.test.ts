import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Monitoring, type MonitoringProps } from "../../modules/monitoring";
import { LogGroup } from "../../modules/log-group";
import type { PolicyStatement } from "../../modules/core/policy";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack, type Synthesized } from "../support/synth";

type Json = Record<string, unknown>;

const EMAILS = ["oncall@example.com"];

function build(props: Partial<MonitoringProps> = {}, stack: TerraformStack = testStack()): { out: Synthesized; monitoring: Monitoring } {
  const monitoring = new Monitoring(stack, "monitoring", { alarmEmails: EMAILS, ...props });
  return { out: synth(stack), monitoring };
}

/** The alarm with this physical name. */
function alarm(out: Synthesized, name: string): Json {
  const found = Object.values(out.resources("aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === name);
  if (!found) throw new Error(`no alarm ${name}; have ${Object.values(out.resources("aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name).join(", ")}`);
  return found;
}

function alarmCount(out: Synthesized): number {
  return Object.keys(out.resources("aws_cloudwatch_metric_alarm")).length;
}

/** A reference to the (single, stack-region) alarm topic's ARN. */
function topicArnRef(out: Synthesized): string {
  const [logicalId] = Object.entries(out.resources("aws_sns_topic")).find(([, t]) => t.provider === undefined) ?? [];
  return `\${aws_sns_topic.${logicalId}.arn}`;
}

function dashboardBody(out: Synthesized): { widgets: Json[] } {
  return JSON.parse(out.resource("aws_cloudwatch_dashboard").dashboard_body as string) as { widgets: Json[] };
}

function widget(out: Synthesized, title: string): Json {
  const found = dashboardBody(out).widgets.find((w) => (w.properties as Json).title === title);
  if (!found) throw new Error(`no widget ${title}`);
  return found.properties as Json;
}

function withGlobalProvider(region = "us-east-1"): { stack: TerraformStack; globalProvider: AwsProvider } {
  const stack = testStack();
  const globalProvider = new AwsProvider(stack, "global", { region, alias: "global" });
  return { stack, globalProvider };
}

describe("Monitoring: alarm topic", () => {
  it("encrypts the topic with a customer managed key that admits CloudWatch alarms", () => {
    const { out } = build();
    const topic = out.resource("aws_sns_topic");
    expect(topic.name).toBe("taskboard-test-alarms");
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.monitoring_key_[A-Z0-9]+\.arn\}$/);
    expect(out.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const keyStatements = out.policyStatements("monitoring/key/policy");
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        sid: "AllowCloudWatchAlarms",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      }),
    );
  });

  it("lets only this account's CloudWatch alarms publish, over TLS", () => {
    const { out } = build();
    const statements = out.policyStatements("monitoring/topic-policy");
    expect(statements).toEqual([
      {
        sid: "AllowCloudWatchAlarmsToPublish",
        effect: "Allow",
        actions: ["sns:Publish"],
        resources: [expect.stringMatching(/^\$\{aws_sns_topic\.monitoring_topic_[A-Z0-9]+\.arn\}$/)],
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:*`] },
        ],
      },
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["sns:Publish"],
        resources: [expect.stringMatching(/aws_sns_topic\.monitoring_topic_/)],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    expect(out.resource("aws_sns_topic_policy")).toMatchObject({
      arn: expect.stringMatching(/aws_sns_topic\.monitoring_topic_/),
      policy: expect.stringMatching(/data\.aws_iam_policy_document\.monitoring_topic-policy_document_/),
    });
  });

  it("subscribes every alarm email to the topic", () => {
    const { out } = build({ alarmEmails: ["a@example.com", "b@example.org"] });
    const subscriptions = Object.values(out.resources("aws_sns_topic_subscription"));
    expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual([
      ["email", "a@example.com"],
      ["email", "b@example.org"],
    ]);
    for (const s of subscriptions) expect(s.topic_arn).toBe(topicArnRef(out));
  });

  it("grants publish on the topic and its key through SNS only", () => {
    const stack = testStack();
    const monitoring = new Monitoring(stack, "monitoring", { alarmEmails: EMAILS });
    const statements: PolicyStatement[] = [];
    monitoring.grantPublish({ roleArn: "r", roleName: "r", addToPolicy: (s) => statements.push(s) }, "PublishAlarms");
    expect(statements).toEqual([
      { sid: "PublishAlarms", actions: ["sns:Publish"], resources: [monitoring.alarmTopicArn] },
      expect.objectContaining({
        sid: "PublishAlarmsKey",
        resources: [monitoring.encryptionKey.keyArn],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [`sns.${TEST_REGION}.amazonaws.com`] }],
      }),
    ]);
  });
});

describe("Monitoring: alarm families", () => {
  it("alarms on 3 or more Lambda errors in one 5-minute period, and on any throttle, per function", () => {
    const { out, monitoring } = build({ lambdaFunctions: { auth: { functionName: "taskboard-test-auth" }, notifier: { functionName: "fn-2" } } });
    expect(alarm(out, "taskboard-test-lambda-auth-errors")).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: "taskboard-test-auth" },
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      datapoints_to_alarm: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 3,
      treat_missing_data: "notBreaching",
      alarm_actions: [topicArnRef(out)],
      ok_actions: [topicArnRef(out)],
      alarm_description: expect.stringContaining("3 or more invocation errors in 5 minutes"),
    });
    expect(alarm(out, "taskboard-test-lambda-auth-throttles")).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Throttles",
      dimensions: { FunctionName: "taskboard-test-auth" },
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "notBreaching",
    });
    expect(alarm(out, "taskboard-test-lambda-notifier-errors").dimensions).toEqual({ FunctionName: "fn-2" });
    expect(monitoring.alarmNames).toEqual([
      "taskboard-test-lambda-auth-errors",
      "taskboard-test-lambda-auth-throttles",
      "taskboard-test-lambda-notifier-errors",
      "taskboard-test-lambda-notifier-throttles",
    ]);
  });

  it("alarms on HTTP API 5xx count and sustained p99 latency per stage", () => {
    const { out } = build({ httpApis: { public: { apiId: "abc123", stageName: "$default" } } });
    const dimensions = { ApiId: "abc123", Stage: "$default" };
    expect(alarm(out, "taskboard-test-api-public-5xx")).toMatchObject({
      namespace: "AWS/ApiGateway",
      metric_name: "5xx",
      dimensions,
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 5,
      treat_missing_data: "notBreaching",
    });
    const latency = alarm(out, "taskboard-test-api-public-latency-p99");
    expect(latency).toMatchObject({
      namespace: "AWS/ApiGateway",
      metric_name: "Latency",
      dimensions,
      extended_statistic: "p99",
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      comparison_operator: "GreaterThanThreshold",
      threshold: 3000,
      treat_missing_data: "notBreaching",
    });
    expect(latency.statistic).toBeUndefined();
  });

  it("alarms on ALB target 5xx and unhealthy hosts with both ARN-suffix dimensions", () => {
    const { out } = build({
      loadBalancers: { tasks: { loadBalancerArnSuffix: "app/lb/123", targetGroupArnSuffix: "targetgroup/tg/456" } },
    });
    const dimensions = { LoadBalancer: "app/lb/123", TargetGroup: "targetgroup/tg/456" };
    expect(alarm(out, "taskboard-test-alb-tasks-target-5xx")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_Target_5XX_Count",
      dimensions,
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 5,
      treat_missing_data: "notBreaching",
    });
    expect(alarm(out, "taskboard-test-alb-tasks-unhealthy-hosts")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "UnHealthyHostCount",
      dimensions,
      statistic: "Maximum",
      period: 60,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "missing",
    });
  });

  it("alarms when Container Insights shows fewer running than desired tasks, and on CPU and memory", () => {
    const { out } = build({ ecsServices: { tasks: { clusterName: "cluster-1", serviceName: "service-1" } } });
    const dimensions = { ClusterName: "cluster-1", ServiceName: "service-1" };
    const tasks = alarm(out, "taskboard-test-ecs-tasks-tasks-below-desired");
    expect(tasks).toMatchObject({
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
      treat_missing_data: "breaching",
    });
    expect(tasks.metric_name).toBeUndefined();
    expect(tasks.metric_query).toEqual([
      { id: "e1", expression: "running < desired", label: "Running tasks below desired", return_data: true },
      {
        id: "running",
        return_data: false,
        metric: { namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount", dimensions, period: 60, stat: "Average" },
      },
      {
        id: "desired",
        return_data: false,
        metric: { namespace: "ECS/ContainerInsights", metric_name: "DesiredTaskCount", dimensions, period: 60, stat: "Average" },
      },
    ]);
    for (const [what, metricName] of [["cpu", "CPUUtilization"], ["memory", "MemoryUtilization"]] as const) {
      expect(alarm(out, `taskboard-test-ecs-tasks-${what}-high`)).toMatchObject({
        namespace: "AWS/ECS",
        metric_name: metricName,
        dimensions,
        statistic: "Average",
        period: 300,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        comparison_operator: "GreaterThanThreshold",
        threshold: 85,
        treat_missing_data: "notBreaching",
      });
    }
  });

  it("alarms on Aurora CPU, connections and ACU utilisation at cluster level", () => {
    const { out } = build({ auroraClusters: { main: { clusterIdentifier: "db-1" } } });
    const common = {
      namespace: "AWS/RDS",
      dimensions: { DBClusterIdentifier: "db-1" },
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "missing",
    };
    expect(alarm(out, "taskboard-test-aurora-main-cpu-high")).toMatchObject({ ...common, metric_name: "CPUUtilization", statistic: "Average", threshold: 80 });
    expect(alarm(out, "taskboard-test-aurora-main-connections-high")).toMatchObject({
      ...common,
      metric_name: "DatabaseConnections",
      statistic: "Maximum",
      threshold: 200,
    });
    expect(alarm(out, "taskboard-test-aurora-main-capacity-high")).toMatchObject({
      ...common,
      metric_name: "ACUUtilization",
      statistic: "Maximum",
      threshold: 90,
    });
  });

  it("alarms on any DynamoDB read or write throttle event per table", () => {
    const { out } = build({ tables: { users: { tableName: "users-table" } } });
    const throttles = alarm(out, "taskboard-test-dynamodb-users-throttles");
    expect(throttles).toMatchObject({
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      evaluation_periods: 1,
      treat_missing_data: "notBreaching",
    });
    const queries = throttles.metric_query as Json[];
    expect(queries[0]).toEqual({ id: "e1", expression: "FILL(reads, 0) + FILL(writes, 0)", label: "Read and write throttle events", return_data: true });
    expect(queries.slice(1).map((q) => q.metric)).toEqual([
      { namespace: "AWS/DynamoDB", metric_name: "ReadThrottleEvents", dimensions: { TableName: "users-table" }, period: 300, stat: "Sum" },
      { namespace: "AWS/DynamoDB", metric_name: "WriteThrottleEvents", dimensions: { TableName: "users-table" }, period: 300, stat: "Sum" },
    ]);
  });

  it("alarms on pipe failures, rule delivery failures (custom bus and default bus) and DLQ depth", () => {
    const { out } = build({
      pipes: { "task-events": { pipeName: "pipe-1" } },
      eventRules: { notify: { ruleName: "rule-1", eventBusName: "bus-1" }, reminder: { ruleName: "rule-2" } },
      deadLetterQueues: { notifier: { queueName: "queue-dlq" } },
    });
    const anyCount = { period: 300, evaluation_periods: 1, comparison_operator: "GreaterThanThreshold", threshold: 0, treat_missing_data: "notBreaching" };
    expect(alarm(out, "taskboard-test-pipe-task-events-failed")).toMatchObject({
      ...anyCount,
      namespace: "AWS/EventBridge/Pipes",
      metric_name: "ExecutionFailed",
      dimensions: { PipeName: "pipe-1" },
      statistic: "Sum",
    });
    expect(alarm(out, "taskboard-test-pipe-task-events-target-failed")).toMatchObject({
      ...anyCount,
      namespace: "AWS/EventBridge/Pipes",
      metric_name: "TargetStageFailed",
      dimensions: { PipeName: "pipe-1" },
    });
    expect(alarm(out, "taskboard-test-rule-notify-failed-invocations")).toMatchObject({
      ...anyCount,
      namespace: "AWS/Events",
      metric_name: "FailedInvocations",
      dimensions: { EventBusName: "bus-1", RuleName: "rule-1" },
      statistic: "Sum",
    });
    expect(alarm(out, "taskboard-test-rule-notify-sent-to-dlq")).toMatchObject({
      ...anyCount,
      namespace: "AWS/Events",
      metric_name: "InvocationsSentToDlq",
      dimensions: { EventBusName: "bus-1", RuleName: "rule-1" },
    });
    expect(alarm(out, "taskboard-test-rule-reminder-failed-invocations").dimensions).toEqual({ RuleName: "rule-2" });
    expect(alarm(out, "taskboard-test-dlq-notifier-not-empty")).toMatchObject({
      ...anyCount,
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "queue-dlq" },
      statistic: "Maximum",
    });
  });

  it("alarms on the account's SES bounce rate above 5% and complaint rate above 0.1%", () => {
    const { out } = build({ sesReputation: true });
    const common = {
      namespace: "AWS/SES",
      statistic: "Maximum",
      period: 3600,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
    };
    const bounce = alarm(out, "taskboard-test-ses-bounce-rate");
    expect(bounce).toMatchObject({ ...common, metric_name: "Reputation.BounceRate", threshold: 0.05 });
    expect(bounce.dimensions).toBeUndefined();
    expect(alarm(out, "taskboard-test-ses-complaint-rate")).toMatchObject({ ...common, metric_name: "Reputation.ComplaintRate", threshold: 0.001 });
  });

  it("counts JSON ERROR lines per log group into Taskboard/<env> and alarms on each", () => {
    const stack = testStack();
    const logs = new LogGroup(stack, "service-logs", { name: "/ecs/tasks-api", retentionDays: 7 });
    const { out } = build({ logGroups: { "tasks-api": logs, auth: { logGroupName: "/aws/lambda/auth" } } }, stack);
    const filters = Object.values(out.resources("aws_cloudwatch_log_metric_filter")).sort((a, b) =>
      String(b.name).localeCompare(String(a.name)),
    );
    expect(filters).toEqual([
      expect.objectContaining({
        name: "taskboard-test-tasks-api-error-lines",
        log_group_name: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.service-logs_log-group_[A-Z0-9]+\.name\}$/),
        pattern: '{ ($.level = "ERROR") || ($.level = "error") }',
        metric_transformation: { namespace: "Taskboard/test", name: "ErrorLines.tasks-api", value: "1", default_value: "0", unit: "Count" },
      }),
      expect.objectContaining({
        name: "taskboard-test-auth-error-lines",
        log_group_name: "/aws/lambda/auth",
        metric_transformation: expect.objectContaining({ namespace: "Taskboard/test", name: "ErrorLines.auth" }),
      }),
    ]);
    expect(alarm(out, "taskboard-test-log-tasks-api-errors")).toMatchObject({
      namespace: "Taskboard/test",
      metric_name: "ErrorLines.tasks-api",
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 3,
      treat_missing_data: "notBreaching",
    });
    expect(alarm(out, "taskboard-test-log-auth-errors").metric_name).toBe("ErrorLines.auth");
  });

  it("uses a custom error pattern and threshold overrides", () => {
    const { out } = build({
      logGroups: { auth: { logGroupName: "/aws/lambda/auth" } },
      errorLogPattern: "ERROR",
      lambdaFunctions: { auth: { functionName: "fn" } },
      thresholds: { lambdaErrorsPer5Min: 10, errorLogLinesPer5Min: 1 },
    });
    expect(out.resource("aws_cloudwatch_log_metric_filter").pattern).toBe("ERROR");
    expect(alarm(out, "taskboard-test-lambda-auth-errors").threshold).toBe(10);
    expect(alarm(out, "taskboard-test-log-auth-errors").threshold).toBe(1);
  });
});

describe("Monitoring: billing alarm", () => {
  it("puts the billing alarm, its own encrypted topic, key and subscriptions in us-east-1", () => {
    const { stack, globalProvider } = withGlobalProvider();
    const { out, monitoring } = build({ billingThresholdUsd: 150, globalProvider, alarmEmails: ["a@example.com"] }, stack);
    const billing = alarm(out, "taskboard-test-billing-estimated-charges");
    const [billingTopicId, billingTopic] =
      Object.entries(out.resources("aws_sns_topic")).find(([, t]) => t.provider === "aws.global") ?? [];
    expect(billingTopic).toMatchObject({ name: "taskboard-test-billing-alarms", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.monitoring_billing-key_[A-Z0-9]+\.arn\}$/) });
    expect(billing).toMatchObject({
      provider: "aws.global",
      namespace: "AWS/Billing",
      metric_name: "EstimatedCharges",
      dimensions: { Currency: "USD" },
      statistic: "Maximum",
      period: 21600,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanThreshold",
      threshold: 150,
      treat_missing_data: "missing",
      alarm_actions: [`\${aws_sns_topic.${billingTopicId}.arn}`],
      ok_actions: [`\${aws_sns_topic.${billingTopicId}.arn}`],
    });
    expect(monitoring.billingTopicArn).toBeDefined();

    const billingKeys = Object.entries(out.resources("aws_kms_key")).filter(([id]) => id.startsWith("monitoring_billing-key"));
    expect(billingKeys.map(([, k]) => k.provider)).toEqual(["aws.global"]);
    expect(Object.entries(out.resources("aws_kms_alias")).filter(([id]) => id.startsWith("monitoring_billing-key")).map(([, a]) => a.provider)).toEqual([
      "aws.global",
    ]);
    expect(out.policyStatements("monitoring/billing-key/policy")).toContainEqual(
      expect.objectContaining({ sid: "AllowCloudWatchAlarms", principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }] }),
    );
    const billingPolicy = Object.values(out.resources("aws_sns_topic_policy")).find((p) => p.provider === "aws.global");
    expect(billingPolicy).toBeDefined();
    expect(out.policyStatements("monitoring/billing-topic-policy")).toContainEqual(
      expect.objectContaining({
        sid: "AllowCloudWatchAlarmsToPublish",
        condition: expect.arrayContaining([
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT}:alarm:*`] },
        ]),
      }),
    );
    const subscriptions = Object.values(out.resources("aws_sns_topic_subscription"));
    expect(subscriptions.filter((s) => s.provider === "aws.global").map((s) => s.endpoint)).toEqual(["a@example.com"]);
    // Every other alarm stays in the stack's region with the main topic.
    for (const a of Object.values(out.resources("aws_cloudwatch_metric_alarm"))) {
      if (a.alarm_name !== "taskboard-test-billing-estimated-charges") expect(a.provider).toBeUndefined();
    }
  });

  it("has no billing alarm, billing topic or us-east-1 resources without a threshold", () => {
    const { stack, globalProvider } = withGlobalProvider();
    const { out, monitoring } = build({ globalProvider }, stack);
    expect(monitoring.billingTopicArn).toBeUndefined();
    for (const type of ["aws_sns_topic", "aws_kms_key", "aws_cloudwatch_metric_alarm", "aws_sns_topic_subscription"]) {
      expect(Object.values(out.resources(type)).filter((r) => r.provider === "aws.global")).toEqual([]);
    }
  });
});

describe("Monitoring: dashboard", () => {
  it("draws every family's graphs with the resources' references, three to a row", () => {
    const { stack, globalProvider } = withGlobalProvider();
    const logs = new LogGroup(stack, "service-logs", { name: "/ecs/tasks-api", retentionDays: 7 });
    const { out, monitoring } = build(
      {
        httpApis: { public: { apiId: "abc123", stageName: "$default" } },
        lambdaFunctions: { auth: { functionName: "fn-auth" } },
        ecsServices: { tasks: { clusterName: "cluster-1", serviceName: "service-1" } },
        loadBalancers: { tasks: { loadBalancerArnSuffix: "app/lb/1", targetGroupArnSuffix: "targetgroup/tg/2" } },
        auroraClusters: { main: { clusterIdentifier: "db-1" } },
        tables: { logs: { tableName: logs.logGroupName } },
        pipes: { events: { pipeName: "pipe-1" } },
        eventRules: { notify: { ruleName: "rule-1", eventBusName: "bus-1" } },
        deadLetterQueues: { notifier: { queueName: "dlq-1" } },
        sesReputation: true,
        logGroups: { "tasks-api": logs },
        billingThresholdUsd: 100,
        globalProvider,
      },
      stack,
    );
    const dashboard = out.resource("aws_cloudwatch_dashboard");
    expect(dashboard.dashboard_name).toBe("taskboard-test-system");
    expect(monitoring.dashboardName).toBe("taskboard-test-system");

    const body = dashboardBody(out);
    const headings = body.widgets.filter((w) => w.type === "text").map((w) => (w.properties as Json).markdown);
    expect(headings).toEqual(["## API", "## Lambda", "## ECS", "## Load balancer", "## Aurora", "## DynamoDB", "## Events", "## Email", "## Logs", "## Cost"]);
    const titles = body.widgets.filter((w) => w.type === "metric").map((w) => (w.properties as Json).title);
    expect(titles).toEqual([
      "API requests",
      "API 4xx / 5xx",
      "API latency (ms)",
      "Lambda errors",
      "Lambda duration p99 (ms)",
      "Lambda throttles",
      "ECS CPU (%)",
      "ECS memory (%)",
      "ECS running / desired tasks",
      "ALB target 5xx",
      "ALB healthy / unhealthy hosts",
      "ALB target response time p99 (s)",
      "Aurora CPU (%)",
      "Aurora connections",
      "Aurora capacity",
      "DynamoDB throttle events",
      "Pipe events / failures",
      "Rule invocations / failures",
      "Dead-letter queue depth",
      "SES reputation (fraction)",
      "SES bounces / complaints",
      "ERROR log lines",
      "Estimated charges this month (USD)",
    ]);

    expect(widget(out, "API latency (ms)").metrics).toEqual([
      ["AWS/ApiGateway", "Latency", "ApiId", "abc123", "Stage", "$default", { stat: "p99", period: 300, label: "public p99" }],
      ["AWS/ApiGateway", "Latency", "ApiId", "abc123", "Stage", "$default", { stat: "p90", period: 300, label: "public p90" }],
    ]);
    expect(widget(out, "ECS running / desired tasks").metrics).toEqual([
      ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", "cluster-1", "ServiceName", "service-1", { stat: "Average", period: 60, label: "tasks running" }],
      ["ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", "cluster-1", "ServiceName", "service-1", { stat: "Average", period: 60, label: "tasks desired" }],
    ]);
    // A Terraform reference survives inside the JSON body and is interpolated by Terraform.
    const tableRow = (widget(out, "DynamoDB throttle events").metrics as unknown[][])[0];
    expect(tableRow?.[3]).toMatch(/^\$\{aws_cloudwatch_log_group\.service-logs_log-group_[A-Z0-9]+\.name\}$/);
    expect(widget(out, "Dead-letter queue depth").metrics).toEqual([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "dlq-1", { stat: "Maximum", period: 300, label: "notifier" }],
    ]);
    expect(widget(out, "SES bounces / complaints").metrics).toContainEqual(["AWS/SES", "Bounce", { stat: "Sum", period: 300, label: "bounces" }]);
    expect(widget(out, "ALB healthy / unhealthy hosts").metrics).toContainEqual([
      "AWS/ApplicationELB",
      "HealthyHostCount",
      "LoadBalancer",
      "app/lb/1",
      "TargetGroup",
      "targetgroup/tg/2",
      { stat: "Minimum", period: 60, label: "tasks healthy" },
    ]);
    expect(widget(out, "ERROR log lines").metrics).toEqual([["Taskboard/test", "ErrorLines.tasks-api", { stat: "Sum", period: 300, label: "tasks-api" }]]);
    const billing = widget(out, "Estimated charges this month (USD)");
    expect(billing.region).toBe("us-east-1");
    expect(widget(out, "Lambda errors").region).toBe(TEST_REGION);

    // Layout: inside the 24-column grid, no two widgets overlap.
    const boxes = body.widgets.map((w) => w as { x: number; y: number; width: number; height: number });
    for (const box of boxes) expect(box.x + box.width).toBeLessThanOrEqual(24);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `widgets ${i} and ${j} overlap`).toBe(false);
      }
    }
  });

  it("creates only the topic and a placeholder dashboard when given no resources", () => {
    const { out, monitoring } = build();
    expect(alarmCount(out)).toBe(0);
    expect(monitoring.alarmNames).toEqual([]);
    expect(Object.keys(out.resources("aws_cloudwatch_log_metric_filter"))).toHaveLength(0);
    expect(dashboardBody(out).widgets).toEqual([
      expect.objectContaining({ type: "text", properties: { markdown: "No resources are monitored yet." } }),
    ]);
  });

  it("creates only the alarm families it is given", () => {
    const { out, monitoring } = build({ tables: { users: { tableName: "users" } } });
    expect(monitoring.alarmNames).toEqual(["taskboard-test-dynamodb-users-throttles"]);
    const headings = dashboardBody(out).widgets.filter((w) => w.type === "text").map((w) => (w.properties as Json).markdown);
    expect(headings).toEqual(["## DynamoDB"]);
  });
});

describe("Monitoring: validation", () => {
  it("throws when billingThresholdUsd is given without globalProvider", () => {
    expect(() => build({ billingThresholdUsd: 100 })).toThrow(/monitoring: billingThresholdUsd 100 needs globalProvider/);
  });

  it("throws when globalProvider is not in us-east-1", () => {
    const { stack, globalProvider } = withGlobalProvider("eu-west-1");
    expect(() => build({ billingThresholdUsd: 100, globalProvider }, stack)).toThrow(/globalProvider is in "eu-west-1".*us-east-1/);
  });

  it("throws when billingThresholdUsd is not positive", () => {
    const { stack, globalProvider } = withGlobalProvider();
    expect(() => build({ billingThresholdUsd: 0, globalProvider }, stack)).toThrow(/billingThresholdUsd 0 must be a positive amount/);
  });

  it("throws when alarmEmails is empty", () => {
    expect(() => build({ alarmEmails: [] })).toThrow(/alarmEmails is empty/);
  });

  it("throws when an alarm email is not an address", () => {
    expect(() => build({ alarmEmails: ["oncall"] })).toThrow(/alarmEmails entry "oncall" is not an email address/);
  });

  it("throws when an alarm email is listed twice", () => {
    expect(() => build({ alarmEmails: ["a@example.com", "a@example.com"] })).toThrow(/lists "a@example.com" twice/);
  });

  it("throws when a label cannot name alarms", () => {
    expect(() => build({ lambdaFunctions: { Auth_Fn: { functionName: "fn" } } })).toThrow(/lambdaFunctions label "Auth_Fn" cannot name alarms/);
  });

  it("throws when errorLogPattern is blank", () => {
    expect(() => build({ errorLogPattern: "  " })).toThrow(/errorLogPattern is empty/);
  });

  it("throws when a threshold is out of range", () => {
    expect(() => build({ thresholds: { ecsCpuPercent: 120 } })).toThrow(/thresholds.ecsCpuPercent 120 is out of range; use a percentage/);
    expect(() => build({ thresholds: { sesBounceRate: 5 } })).toThrow(/thresholds.sesBounceRate 5 is out of range; use a fraction/);
    expect(() => build({ thresholds: { lambdaErrorsPer5Min: 0 } })).toThrow(/thresholds.lambdaErrorsPer5Min 0 is out of range; use a positive number/);
  });
});
