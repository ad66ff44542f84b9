import { Construct } from "constructs";
import { Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee } from "../core/policy";
import { EncryptionKey } from "../kms";
import {
  ALARM_POLICIES,
  DEFAULT_ERROR_LOG_PATTERN,
  DEFAULT_THRESHOLDS,
  EMAIL_PATTERN,
  LABEL_PATTERN,
  PERCENT_THRESHOLDS,
  RATE_THRESHOLDS,
  type AlarmKind,
  type AlarmThresholds,
} from "./defaults";
import {
  AlbMetrics,
  AuroraMetrics,
  BILLING_REGION,
  BillingMetrics,
  DynamoDbMetrics,
  EcsMetrics,
  EventRuleMetrics,
  HttpApiMetrics,
  LambdaMetrics,
  PipeMetrics,
  SesMetrics,
  SqsMetrics,
  logMetric,
  withStatistic,
  type MetricDescriptor,
} from "./metrics";
import { createAlarm, type MathExpression } from "./private/alarm";
import { renderDashboard, type DashboardSection, type GraphSpec } from "./private/dashboard";

export type { AlarmThresholds } from "./defaults";
export * from "./metrics";

// What the alarm pack needs of each monitored resource: identifiers only, so a
// module instance (`NodejsFunction`, `EcsService`, `Table`...) fits as is, and
// so does a literal for resources built elsewhere.
export interface LambdaFunctionTarget {
  readonly functionName: string;
}
export interface HttpApiTarget {
  readonly apiId: string;
  /** The stage name as the `Stage` dimension carries it (`$default` for the default stage). */
  readonly stageName: string;
}
export interface LoadBalancerTarget {
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
}
export interface EcsServiceTarget {
  readonly clusterName: string;
  readonly serviceName: string;
}
export interface AuroraClusterTarget {
  readonly clusterIdentifier: string;
}
export interface TableTarget {
  readonly tableName: string;
}
export interface PipeTarget {
  readonly pipeName: string;
}
export interface EventRuleTarget {
  readonly ruleName: string;
  /** The rule's custom event bus. @default - the default bus (metrics carry `RuleName` only) */
  readonly eventBusName?: string;
}
export interface QueueTarget {
  readonly queueName: string;
}
export interface LogGroupTarget {
  readonly logGroupName: string;
}

/**
 * Every group of resources is a map from a label to the resource. The label
 * (lower-case kebab, a literal) names the alarms (`<app>-<env>-lambda-<label>-errors`)
 * and construct ids, which resource names that are Terraform references cannot.
 */
export interface MonitoringProps {
  /** Addresses subscribed to the alarm topic (and the billing topic); each must confirm the subscription email. */
  readonly alarmEmails: readonly string[];
  /** Errors (>= 3 in 5 minutes by default) and throttles per function. @default - no Lambda alarms */
  readonly lambdaFunctions?: Readonly<Record<string, LambdaFunctionTarget>>;
  /** 5xx count and p99 latency per HTTP API stage. @default - no API alarms */
  readonly httpApis?: Readonly<Record<string, HttpApiTarget>>;
  /** Target 5xx and unhealthy hosts per target group. @default - no ALB alarms */
  readonly loadBalancers?: Readonly<Record<string, LoadBalancerTarget>>;
  /** Running tasks below desired (Container Insights), CPU and memory per service. @default - no ECS alarms */
  readonly ecsServices?: Readonly<Record<string, EcsServiceTarget>>;
  /** CPU, connections and ACU utilisation per cluster. @default - no Aurora alarms */
  readonly auroraClusters?: Readonly<Record<string, AuroraClusterTarget>>;
  /** Read and write throttle events per table. @default - no DynamoDB alarms */
  readonly tables?: Readonly<Record<string, TableTarget>>;
  /** Failed executions and failed target stages per EventBridge pipe. @default - no pipe alarms */
  readonly pipes?: Readonly<Record<string, PipeTarget>>;
  /** Failed invocations and events sent to the DLQ per EventBridge rule. @default - no rule alarms */
  readonly eventRules?: Readonly<Record<string, EventRuleTarget>>;
  /** A message in any of these queues is an event that was given up on. @default - no DLQ alarms */
  readonly deadLetterQueues?: Readonly<Record<string, QueueTarget>>;
  /** Alarm on the account's SES bounce and complaint rates. @default false - the account sends no email */
  readonly sesReputation?: boolean;
  /** A metric filter counting error lines, and an alarm, per log group. @default - no log alarms */
  readonly logGroups?: Readonly<Record<string, LogGroupTarget>>;
  /**
   * The metric filter pattern that marks an error line.
   * @default - JSON lines whose `level` is `ERROR` or `error` (Lambda's JSON log format and the services' logger)
   */
  readonly errorLogPattern?: string;
  /** Overrides of individual thresholds. @default - `DEFAULT_THRESHOLDS` in `defaults.ts` */
  readonly thresholds?: Partial<AlarmThresholds>;
  /**
   * Month-to-date estimated charges (USD) above which the billing alarm fires.
   * Needs `globalProvider`, and billing alerts enabled in the payer account.
   * @default - no billing alarm
   */
  readonly billingThresholdUsd?: number;
  /** An AWS provider for `us-east-1`, where billing metrics live; required with `billingThresholdUsd`. @default - none */
  readonly globalProvider?: AwsProvider;
}

/**
 * The alarm pack and dashboard of one environment: an encrypted SNS topic
 * with email subscriptions, one alarm per failure mode of each resource it is
 * given, a metric filter per log group, an optional billing alarm in
 * us-east-1, and a CloudWatch dashboard of the whole system.
 */
export class Monitoring extends Construct {
  /** The alarm topic (escape hatch). */
  readonly topic: SnsTopic;
  readonly alarmTopicArn: string;
  /** The customer managed key encrypting the alarm topic. */
  readonly encryptionKey: EncryptionKey;
  /** The billing alarm's topic in us-east-1, when there is a billing alarm. */
  readonly billingTopic?: SnsTopic;
  readonly billingTopicArn?: string;
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** Physical names of every alarm, in creation order. */
  readonly alarmNames: readonly string[];
  readonly metricFilters: readonly CloudwatchLogMetricFilter[];
  /** The custom namespace of the log metric filters (`Taskboard/<env>`). */
  readonly logMetricsNamespace: string;
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardName: string;

  private readonly thresholds: AlarmThresholds;
  private readonly alarmList: CloudwatchMetricAlarm[] = [];
  private readonly alarmNameList: string[] = [];
  private readonly filterList: CloudwatchLogMetricFilter[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...props.thresholds };
    this.validate(props);
    const platform = PlatformContext.of(this);

    this.encryptionKey = new EncryptionKey(this, "key", { purpose: "alarms", description: "Alarm topic encryption" });
    allowCloudWatchAlarms(this.encryptionKey);
    this.topic = this.createTopic("topic", "alarms", this.encryptionKey, platform.region, props.alarmEmails);
    this.alarmTopicArn = this.topic.arn;

    this.logMetricsNamespace = `${capitalize(platform.app)}/${platform.environment}`;
    const sections: DashboardSection[] = [
      this.httpApiAlarms(props.httpApis ?? {}),
      this.lambdaAlarms(props.lambdaFunctions ?? {}),
      this.ecsAlarms(props.ecsServices ?? {}),
      this.albAlarms(props.loadBalancers ?? {}),
      this.auroraAlarms(props.auroraClusters ?? {}),
      this.tableAlarms(props.tables ?? {}),
      this.eventAlarms(props.pipes ?? {}, props.eventRules ?? {}, props.deadLetterQueues ?? {}),
      this.sesAlarms(props.sesReputation ?? false),
      this.logAlarms(props.logGroups ?? {}, props.errorLogPattern ?? DEFAULT_ERROR_LOG_PATTERN),
    ];

    if (props.billingThresholdUsd !== undefined && props.globalProvider) {
      const billing = this.billingAlarm(props.billingThresholdUsd, props.globalProvider, props.alarmEmails);
      this.billingTopic = billing.topic;
      this.billingTopicArn = billing.topic.arn;
      sections.push(billing.section);
    }

    this.alarms = this.alarmList;
    this.alarmNames = this.alarmNameList;
    this.metricFilters = this.filterList;

    this.dashboardName = platform.name("system", { maxLength: 255 });
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: this.dashboardName,
      // JSON.stringify keeps references as `${...}` inside JSON strings, which Terraform interpolates.
      dashboardBody: JSON.stringify(renderDashboard(sections, platform.region)),
    });
  }

  /** Lets a role publish to the alarm topic (and use its key through SNS). */
  grantPublish(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: ["sns:Publish"], resources: [this.alarmTopicArn] });
    this.encryptionKey.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "sns" });
  }

  private validate(props: MonitoringProps): void {
    const path = this.node.path;
    if (props.billingThresholdUsd !== undefined && !props.globalProvider) {
      throw new Error(
        `${path}: billingThresholdUsd ${props.billingThresholdUsd} needs globalProvider, since billing metrics exist only in us-east-1; ` +
          `pass an AwsProvider with region "us-east-1" as globalProvider`,
      );
    }
    const globalRegion = props.globalProvider?.region;
    if (globalRegion !== undefined && !Token.isUnresolved(globalRegion) && globalRegion !== BILLING_REGION) {
      throw new Error(
        `${path}: globalProvider is in "${globalRegion}", but billing metrics and their alarm topic must be in ${BILLING_REGION}; ` +
          `pass a provider with region "${BILLING_REGION}"`,
      );
    }
    if (props.billingThresholdUsd !== undefined && !(props.billingThresholdUsd > 0)) {
      throw new Error(`${path}: billingThresholdUsd ${props.billingThresholdUsd} must be a positive amount of USD, e.g. 150`);
    }
    if (props.alarmEmails.length === 0) {
      throw new Error(`${path}: alarmEmails is empty, so alarms would reach nobody; list at least one address, e.g. ["oncall@example.com"]`);
    }
    for (const email of props.alarmEmails) {
      if (!EMAIL_PATTERN.test(email)) {
        throw new Error(`${path}: alarmEmails entry "${email}" is not an email address; use a form like "oncall@example.com"`);
      }
    }
    const duplicate = props.alarmEmails.find((email, index) => props.alarmEmails.indexOf(email) !== index);
    if (duplicate !== undefined) {
      throw new Error(`${path}: alarmEmails lists "${duplicate}" twice; list each address once`);
    }
    const groups = {
      lambdaFunctions: props.lambdaFunctions,
      httpApis: props.httpApis,
      loadBalancers: props.loadBalancers,
      ecsServices: props.ecsServices,
      auroraClusters: props.auroraClusters,
      tables: props.tables,
      pipes: props.pipes,
      eventRules: props.eventRules,
      deadLetterQueues: props.deadLetterQueues,
      logGroups: props.logGroups,
    };
    for (const [group, targets] of Object.entries(groups)) {
      for (const label of Object.keys(targets ?? {})) {
        if (!LABEL_PATTERN.test(label)) {
          throw new Error(
            `${path}: ${group} label "${label}" cannot name alarms; use lower-case words joined by hyphens, e.g. "task-events"`,
          );
        }
      }
    }
    if (props.errorLogPattern !== undefined && props.errorLogPattern.trim() === "") {
      throw new Error(`${path}: errorLogPattern is empty and would count every line; omit it for the JSON level pattern or give a pattern`);
    }
    for (const [name, value] of Object.entries(this.thresholds) as [keyof AlarmThresholds, number][]) {
      const percent = PERCENT_THRESHOLDS.includes(name);
      const rate = RATE_THRESHOLDS.includes(name);
      const valid = Number.isFinite(value) && value > 0 && (!percent || value <= 100) && (!rate || value < 1);
      if (!valid) {
        const range = percent ? "a percentage above 0 and at most 100" : rate ? "a fraction between 0 and 1, e.g. 0.05 for 5%" : "a positive number";
        throw new Error(`${path}: thresholds.${name} ${value} is out of range; use ${range}`);
      }
    }
  }

  private createTopic(
    id: string,
    purpose: string,
    key: EncryptionKey,
    region: string,
    emails: readonly string[],
    provider?: AwsProvider,
  ): SnsTopic {
    const platform = PlatformContext.of(this);
    const topic = new SnsTopic(this, id, {
      name: platform.name(purpose, { maxLength: 256 }),
      kmsMasterKeyId: key.keyArn,
      provider,
    });
    const policy = new PolicyDocument(this, `${id}-policy`, {
      statements: [
        {
          sid: "AllowCloudWatchAlarmsToPublish",
          actions: ["sns:Publish"],
          resources: [topic.arn],
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [platform.arn("cloudwatch", "alarm:*", { region })] },
          ],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sns:Publish"],
          resources: [topic.arn],
          principals: [{ type: "*", identifiers: ["*"] }],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, `${id}-topic-policy`, { arn: topic.arn, policy: policy.json, provider });
    for (const email of emails) {
      // Keyed by address, so removing one address never re-creates (and re-confirms) the others.
      new SnsTopicSubscription(this, `${id}-email-${email.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, {
        topicArn: topic.arn,
        protocol: "email",
        endpoint: email,
        provider,
      });
    }
    return topic;
  }

  private alarm(
    purpose: string,
    kind: AlarmKind,
    source: MetricDescriptor | MathExpression,
    threshold: number,
    description: string,
    options: { topicArn?: string; provider?: AwsProvider } = {},
  ): void {
    const alarmName = PlatformContext.of(this).name(purpose, { maxLength: 255 });
    const alarm = createAlarm(this, purpose, {
      alarmName,
      description,
      source,
      threshold,
      policy: ALARM_POLICIES[kind],
      topicArn: options.topicArn ?? this.alarmTopicArn,
      provider: options.provider,
    });
    this.alarmList.push(alarm);
    this.alarmNameList.push(alarmName);
  }

  private lambdaAlarms(functions: Readonly<Record<string, LambdaFunctionTarget>>): DashboardSection {
    const t = this.thresholds;
    for (const [label, { functionName }] of Object.entries(functions)) {
      this.alarm(
        `lambda-${label}-errors`,
        "lambdaErrors",
        LambdaMetrics.errors(functionName),
        t.lambdaErrorsPer5Min,
        `Lambda ${label}: ${t.lambdaErrorsPer5Min} or more invocation errors in 5 minutes. ` +
          `Read the function's log group (Logs Insights: filter level = "ERROR"), compare with the last deployment, and roll back if the errors began with it.`,
      );
      this.alarm(
        `lambda-${label}-throttles`,
        "lambdaThrottles",
        LambdaMetrics.throttles(functionName),
        0,
        `Lambda ${label} was throttled: requests were refused for lack of concurrency. ` +
          `Check the account's concurrent executions and the function's reserved concurrency; raise the limit or find the traffic spike.`,
      );
    }
    const entries = Object.entries(functions);
    return {
      title: "Lambda",
      graphs: entries.length === 0 ? [] : [
        { title: "Lambda errors", lines: entries.map(([label, f]) => ({ metric: LambdaMetrics.errors(f.functionName), label })) },
        { title: "Lambda duration p99 (ms)", lines: entries.map(([label, f]) => ({ metric: LambdaMetrics.duration(f.functionName), label })) },
        { title: "Lambda throttles", lines: entries.map(([label, f]) => ({ metric: LambdaMetrics.throttles(f.functionName), label })) },
      ],
    };
  }

  private httpApiAlarms(apis: Readonly<Record<string, HttpApiTarget>>): DashboardSection {
    const t = this.thresholds;
    for (const [label, { apiId, stageName }] of Object.entries(apis)) {
      this.alarm(
        `api-${label}-5xx`,
        "apiServerErrors",
        HttpApiMetrics.serverErrors(apiId, stageName),
        t.apiServerErrorsPer5Min,
        `API ${label}: ${t.apiServerErrorsPer5Min} or more 5xx responses in 5 minutes. ` +
          `Check the Lambda error alarms and the ALB target alarms to find the failing integration, then its logs.`,
      );
      this.alarm(
        `api-${label}-latency-p99`,
        "apiLatency",
        HttpApiMetrics.latency(apiId, stageName),
        t.apiLatencyP99Ms,
        `API ${label}: p99 latency above ${t.apiLatencyP99Ms} ms for 15 minutes. ` +
          `Compare integration latency on the dashboard: Lambda duration, ALB target response time, Aurora CPU and connections.`,
      );
    }
    const entries = Object.entries(apis);
    return {
      title: "API",
      graphs: entries.length === 0 ? [] : [
        { title: "API requests", lines: entries.map(([label, a]) => ({ metric: HttpApiMetrics.requests(a.apiId, a.stageName), label })) },
        {
          title: "API 4xx / 5xx",
          lines: entries.flatMap(([label, a]) => [
            { metric: HttpApiMetrics.serverErrors(a.apiId, a.stageName), label: `${label} 5xx` },
            { metric: HttpApiMetrics.clientErrors(a.apiId, a.stageName), label: `${label} 4xx` },
          ]),
        },
        {
          title: "API latency (ms)",
          lines: entries.flatMap(([label, a]) => [
            { metric: HttpApiMetrics.latency(a.apiId, a.stageName), label: `${label} p99` },
            { metric: withStatistic(HttpApiMetrics.latency(a.apiId, a.stageName), "p90"), label: `${label} p90` },
          ]),
        },
      ],
    };
  }

  private albAlarms(balancers: Readonly<Record<string, LoadBalancerTarget>>): DashboardSection {
    const t = this.thresholds;
    for (const [label, lb] of Object.entries(balancers)) {
      this.alarm(
        `alb-${label}-target-5xx`,
        "albTarget5xx",
        AlbMetrics.target5xx(lb.loadBalancerArnSuffix, lb.targetGroupArnSuffix),
        t.albTarget5xxPer5Min,
        `ALB ${label}: targets answered ${t.albTarget5xxPer5Min} or more 5xx in 5 minutes. ` +
          `Read the service's log group for errors and check Aurora; roll back the last task definition if it started with a deployment.`,
      );
      this.alarm(
        `alb-${label}-unhealthy-hosts`,
        "albUnhealthyHosts",
        AlbMetrics.unhealthyHosts(lb.loadBalancerArnSuffix, lb.targetGroupArnSuffix),
        0,
        `ALB ${label}: a target has failed health checks for 3 minutes. ` +
          `Check the ECS service events and stopped-task reasons, and the health check path's response in the service logs.`,
      );
    }
    const entries = Object.entries(balancers);
    return {
      title: "Load balancer",
      graphs: entries.length === 0 ? [] : [
        {
          title: "ALB target 5xx",
          lines: entries.map(([label, lb]) => ({ metric: AlbMetrics.target5xx(lb.loadBalancerArnSuffix, lb.targetGroupArnSuffix), label })),
        },
        {
          title: "ALB healthy / unhealthy hosts",
          lines: entries.flatMap(([label, lb]) => [
            { metric: AlbMetrics.healthyHosts(lb.loadBalancerArnSuffix, lb.targetGroupArnSuffix), label: `${label} healthy` },
            { metric: AlbMetrics.unhealthyHosts(lb.loadBalancerArnSuffix, lb.targetGroupArnSuffix), label: `${label} unhealthy` },
          ]),
        },
        {
          title: "ALB target response time p99 (s)",
          lines: entries.map(([label, lb]) => ({
            metric: AlbMetrics.targetResponseTime(lb.loadBalancerArnSuffix, lb.targetGroupArnSuffix),
            label,
          })),
        },
      ],
    };
  }

  private ecsAlarms(services: Readonly<Record<string, EcsServiceTarget>>): DashboardSection {
    const t = this.thresholds;
    for (const [label, { clusterName, serviceName }] of Object.entries(services)) {
      this.alarm(
        `ecs-${label}-tasks-below-desired`,
        "ecsTasksBelowDesired",
        {
          expression: "running < desired",
          label: "Running tasks below desired",
          metrics: {
            running: EcsMetrics.runningTasks(clusterName, serviceName),
            desired: EcsMetrics.desiredTasks(clusterName, serviceName),
          },
        },
        1,
        `ECS ${label}: fewer tasks running than desired for 5 minutes (or no Container Insights data). ` +
          `Read the service events and stopped-task reasons (image pull, health check, out of memory, no capacity in the cluster).`,
      );
      this.alarm(
        `ecs-${label}-cpu-high`,
        "ecsUtilization",
        EcsMetrics.cpuUtilization(clusterName, serviceName),
        t.ecsCpuPercent,
        `ECS ${label}: average CPU above ${t.ecsCpuPercent}% for 15 minutes although autoscaling targets less. ` +
          `Check whether the service is at maxTasks or the cluster out of instances; raise the limits or find the hot path.`,
      );
      this.alarm(
        `ecs-${label}-memory-high`,
        "ecsUtilization",
        EcsMetrics.memoryUtilization(clusterName, serviceName),
        t.ecsMemoryPercent,
        `ECS ${label}: average memory above ${t.ecsMemoryPercent}% for 15 minutes; tasks near their limit get OOM-killed. ` +
          `Look for a leak (memory rising across deployments) or raise the task memory.`,
      );
    }
    const entries = Object.entries(services);
    return {
      title: "ECS",
      graphs: entries.length === 0 ? [] : [
        {
          title: "ECS CPU (%)",
          lines: entries.map(([label, s]) => ({ metric: EcsMetrics.cpuUtilization(s.clusterName, s.serviceName), label })),
        },
        {
          title: "ECS memory (%)",
          lines: entries.map(([label, s]) => ({ metric: EcsMetrics.memoryUtilization(s.clusterName, s.serviceName), label })),
        },
        {
          title: "ECS running / desired tasks",
          lines: entries.flatMap(([label, s]) => [
            { metric: EcsMetrics.runningTasks(s.clusterName, s.serviceName), label: `${label} running` },
            { metric: EcsMetrics.desiredTasks(s.clusterName, s.serviceName), label: `${label} desired` },
          ]),
        },
      ],
    };
  }

  private auroraAlarms(clusters: Readonly<Record<string, AuroraClusterTarget>>): DashboardSection {
    const t = this.thresholds;
    for (const [label, { clusterIdentifier }] of Object.entries(clusters)) {
      this.alarm(
        `aurora-${label}-cpu-high`,
        "auroraUtilization",
        AuroraMetrics.cpuUtilization(clusterIdentifier),
        t.auroraCpuPercent,
        `Aurora ${label}: CPU above ${t.auroraCpuPercent}% for 15 minutes. ` +
          `Open Performance Insights for the top SQL; check whether capacity is at its maximum ACU.`,
      );
      this.alarm(
        `aurora-${label}-connections-high`,
        "auroraUtilization",
        AuroraMetrics.connections(clusterIdentifier),
        t.auroraConnections,
        `Aurora ${label}: more than ${t.auroraConnections} connections for 15 minutes, approaching max_connections. ` +
          `Check task count times pool size, and for connections leaked by a deployment.`,
      );
      this.alarm(
        `aurora-${label}-capacity-high`,
        "auroraUtilization",
        AuroraMetrics.acuUtilization(clusterIdentifier),
        t.auroraAcuUtilizationPercent,
        `Aurora ${label}: capacity above ${t.auroraAcuUtilizationPercent}% of the maximum ACU for 15 minutes; it cannot scale further. ` +
          `Raise maxCapacityAcu in the environment config or reduce the load.`,
      );
    }
    const entries = Object.entries(clusters);
    return {
      title: "Aurora",
      graphs: entries.length === 0 ? [] : [
        { title: "Aurora CPU (%)", lines: entries.map(([label, c]) => ({ metric: AuroraMetrics.cpuUtilization(c.clusterIdentifier), label })) },
        { title: "Aurora connections", lines: entries.map(([label, c]) => ({ metric: AuroraMetrics.connections(c.clusterIdentifier), label })) },
        {
          title: "Aurora capacity",
          lines: entries.flatMap(([label, c]) => [
            { metric: AuroraMetrics.capacityAcu(c.clusterIdentifier), label: `${label} ACU` },
            { metric: AuroraMetrics.acuUtilization(c.clusterIdentifier), label: `${label} % of max` },
          ]),
        },
      ],
    };
  }

  private tableAlarms(tables: Readonly<Record<string, TableTarget>>): DashboardSection {
    for (const [label, { tableName }] of Object.entries(tables)) {
      this.alarm(
        `dynamodb-${label}-throttles`,
        "dynamodbThrottles",
        {
          expression: "FILL(reads, 0) + FILL(writes, 0)",
          label: "Read and write throttle events",
          metrics: { reads: DynamoDbMetrics.readThrottles(tableName), writes: DynamoDbMetrics.writeThrottles(tableName) },
        },
        0,
        `DynamoDB ${label}: requests were throttled. On-demand tables throttle on sudden traffic beyond twice the previous peak ` +
          `or on a hot partition key; check CloudWatch Contributor Insights and the callers' retries.`,
      );
    }
    const entries = Object.entries(tables);
    return {
      title: "DynamoDB",
      graphs: entries.length === 0 ? [] : [
        {
          title: "DynamoDB throttle events",
          lines: entries.flatMap(([label, tbl]) => [
            { metric: DynamoDbMetrics.readThrottles(tbl.tableName), label: `${label} read` },
            { metric: DynamoDbMetrics.writeThrottles(tbl.tableName), label: `${label} write` },
          ]),
        },
      ],
    };
  }

  private eventAlarms(
    pipes: Readonly<Record<string, PipeTarget>>,
    rules: Readonly<Record<string, EventRuleTarget>>,
    queues: Readonly<Record<string, QueueTarget>>,
  ): DashboardSection {
    for (const [label, { pipeName }] of Object.entries(pipes)) {
      this.alarm(
        `pipe-${label}-failed`,
        "pipeFailures",
        PipeMetrics.executionFailed(pipeName),
        0,
        `EventBridge pipe ${label}: executions failed. Read the pipe's state reason and logs; a stream-sourced pipe retries ` +
          `until the records expire, so events are lost if this persists.`,
      );
      this.alarm(
        `pipe-${label}-target-failed`,
        "pipeFailures",
        PipeMetrics.targetStageFailed(pipeName),
        0,
        `EventBridge pipe ${label}: the target stage failed (the event bus refused events). Check the pipe role's events:PutEvents permission and the bus.`,
      );
    }
    for (const [label, { ruleName, eventBusName }] of Object.entries(rules)) {
      this.alarm(
        `rule-${label}-failed-invocations`,
        "ruleFailures",
        EventRuleMetrics.failedInvocations(ruleName, eventBusName),
        0,
        `EventBridge rule ${label}: invocations failed permanently. Check the target's permissions and errors; failed events are in the rule's dead-letter queue.`,
      );
      this.alarm(
        `rule-${label}-sent-to-dlq`,
        "ruleFailures",
        EventRuleMetrics.invocationsSentToDlq(ruleName, eventBusName),
        0,
        `EventBridge rule ${label}: events were sent to the dead-letter queue after their retries. ` +
          `Fix the target, then redrive the queue's messages.`,
      );
    }
    for (const [label, { queueName }] of Object.entries(queues)) {
      this.alarm(
        `dlq-${label}-not-empty`,
        "deadLetterQueueDepth",
        SqsMetrics.visibleMessages(queueName),
        0,
        `Dead-letter queue ${label} holds messages: events that were given up on. ` +
          `Read one to learn why it failed, fix the cause, then redrive the queue (or purge what must not be retried).`,
      );
    }
    const pipeEntries = Object.entries(pipes);
    const ruleEntries = Object.entries(rules);
    const queueEntries = Object.entries(queues);
    const graphs: GraphSpec[] = [];
    if (pipeEntries.length > 0) {
      graphs.push({
        title: "Pipe events / failures",
        lines: pipeEntries.flatMap(([label, p]) => [
          { metric: PipeMetrics.events(p.pipeName), label: `${label} events` },
          { metric: PipeMetrics.executionFailed(p.pipeName), label: `${label} failed` },
        ]),
      });
    }
    if (ruleEntries.length > 0) {
      graphs.push({
        title: "Rule invocations / failures",
        lines: ruleEntries.flatMap(([label, r]) => [
          { metric: EventRuleMetrics.invocations(r.ruleName, r.eventBusName), label: `${label} invocations` },
          { metric: EventRuleMetrics.failedInvocations(r.ruleName, r.eventBusName), label: `${label} failed` },
        ]),
      });
    }
    if (queueEntries.length > 0) {
      graphs.push({
        title: "Dead-letter queue depth",
        lines: queueEntries.map(([label, q]) => ({ metric: SqsMetrics.visibleMessages(q.queueName), label })),
      });
    }
    return { title: "Events", graphs };
  }

  private sesAlarms(enabled: boolean): DashboardSection {
    if (!enabled) return { title: "Email", graphs: [] };
    const t = this.thresholds;
    this.alarm(
      "ses-bounce-rate",
      "sesReputation",
      SesMetrics.bounceRate(),
      t.sesBounceRate,
      `SES bounce rate above ${t.sesBounceRate * 100}% (SES reviews an account at 5% and may pause sending at 10%). ` +
        `Find the bouncing addresses from the bounce notifications, stop mailing them, and check sign-up validation.`,
    );
    this.alarm(
      "ses-complaint-rate",
      "sesReputation",
      SesMetrics.complaintRate(),
      t.sesComplaintRate,
      `SES complaint rate above ${t.sesComplaintRate * 100}% (SES reviews an account at 0.1% and may pause sending at 0.5%). ` +
        `Check which notifications recipients mark as spam and make them opt-in or less frequent.`,
    );
    return {
      title: "Email",
      graphs: [
        {
          title: "SES reputation (fraction)",
          lines: [
            { metric: SesMetrics.bounceRate(), label: "bounce rate" },
            { metric: SesMetrics.complaintRate(), label: "complaint rate" },
          ],
        },
        {
          title: "SES bounces / complaints",
          lines: [
            { metric: SesMetrics.bounces(), label: "bounces" },
            { metric: SesMetrics.complaints(), label: "complaints" },
          ],
        },
      ],
    };
  }

  private logAlarms(logGroups: Readonly<Record<string, LogGroupTarget>>, pattern: string): DashboardSection {
    const platform = PlatformContext.of(this);
    const t = this.thresholds;
    const lines: { metric: MetricDescriptor; label: string }[] = [];
    for (const [label, { logGroupName }] of Object.entries(logGroups)) {
      const metricName = `ErrorLines.${label}`;
      this.filterList.push(
        new CloudwatchLogMetricFilter(this, `log-${label}-errors-filter`, {
          name: platform.name(`${label}-error-lines`, { maxLength: 512 }),
          logGroupName,
          pattern,
          // 1 per matching line; 0 for ingested lines that do not match, so the graph is continuous.
          metricTransformation: { namespace: this.logMetricsNamespace, name: metricName, value: "1", defaultValue: "0", unit: "Count" },
        }),
      );
      const descriptor = logMetric(this.logMetricsNamespace, metricName);
      this.alarm(
        `log-${label}-errors`,
        "errorLogLines",
        descriptor,
        t.errorLogLinesPer5Min,
        `${label}: ${t.errorLogLinesPer5Min} or more ERROR log lines in 5 minutes. ` +
          `Run Logs Insights on the log group with the filter pattern of this alarm's metric filter to read them.`,
      );
      lines.push({ metric: descriptor, label });
    }
    return { title: "Logs", graphs: lines.length === 0 ? [] : [{ title: "ERROR log lines", lines }] };
  }

  private billingAlarm(
    thresholdUsd: number,
    provider: AwsProvider,
    emails: readonly string[],
  ): { topic: SnsTopic; section: DashboardSection } {
    // An alarm's actions must be in its own region, so the billing alarm gets a topic (and key) in us-east-1.
    const key = new EncryptionKey(this, "billing-key", {
      purpose: "billing-alarms",
      description: "Billing alarm topic encryption",
      provider,
    });
    allowCloudWatchAlarms(key);
    const topic = this.createTopic("billing-topic", "billing-alarms", key, BILLING_REGION, emails, provider);
    this.alarm(
      "billing-estimated-charges",
      "billing",
      BillingMetrics.estimatedCharges(),
      thresholdUsd,
      `Estimated charges this month passed ${thresholdUsd} USD. Open Cost Explorer grouped by service and usage type, ` +
        `find what grew (NAT data, Aurora ACUs, logs ingestion), and fix or raise billingAlarmUsd deliberately.`,
      { topicArn: topic.arn, provider },
    );
    return {
      topic,
      section: {
        title: "Cost",
        graphs: [
          {
            title: "Estimated charges this month (USD)",
            region: BILLING_REGION,
            lines: [{ metric: BillingMetrics.estimatedCharges(), label: "estimated charges" }],
          },
        ],
      },
    };
  }
}

/**
 * CloudWatch alarms publish to an encrypted topic with the key directly, so
 * the key policy must admit the service. No `kms:CallerAccount` or source
 * condition: CloudWatch's KMS calls do not carry them and publishing fails
 * (AWS re:Post, "CloudWatch alarm with encrypted SNS topic"); the topic policy
 * carries the confused-deputy conditions instead.
 */
function allowCloudWatchAlarms(key: EncryptionKey): void {
  key.allowService("cloudwatch.amazonaws.com", "CloudWatchAlarms", [], { actions: ["kms:Decrypt", "kms:GenerateDataKey*"] });
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
