import { Construct } from "constructs";
import { Token } from "cdktf";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { PlatformContext } from "../core/context";
import { ServiceRole } from "../iam-role";
import { EncryptionKey } from "../kms";
import { LIMITS, METRIC_NAMESPACES, SCHEDULE_DEFAULTS, type MetricIdentifier } from "./defaults";
import { checkRange } from "./private/checks";
import { DeadLetterQueue } from "../queue";

export interface ScheduledTaskProps {
  /** What the task does; names the schedule, its group, role and dead-letter queue (`taskboard-dev-<purpose>`). */
  readonly purpose: string;
  /** When to run: `cron(0 0 * * ? *)`, `rate(1 hour)` or a one-time `at(2026-01-01T00:00:00)`. */
  readonly scheduleExpression: string;
  /**
   * IANA time zone the expression is read in.
   * @default "UTC"
   */
  readonly timeZone?: string;
  /** ARN of the ECS cluster the task runs on. */
  readonly clusterArn: string;
  /** The cluster's EC2 capacity provider; the task is placed through it, as the service's tasks are. */
  readonly capacityProviderName: string;
  /** The task definition to run (a specific revision, e.g. the service's `taskDefinitionArn`). */
  readonly taskDefinitionArn: string;
  /** The task definition's family; the role may run any revision of this family and nothing else. */
  readonly taskDefinitionFamily: string;
  /** The container whose command is overridden. */
  readonly containerName: string;
  /** The command the container runs instead of its default, e.g. `["node", "main.mjs", "remind"]`. */
  readonly command: readonly string[];
  /** Private subnets for the task's network interface (awsvpc). */
  readonly subnetIds: readonly string[];
  /** Security group of the task's network interface (the service's, so it reaches what the service reaches). */
  readonly securityGroupId: string;
  /** The task definition's task role; the scheduler may pass exactly this role and the execution role. */
  readonly taskRoleArn: string;
  /** The task definition's execution role. */
  readonly executionRoleArn: string;
  /**
   * Retries of a failed RunTask call (no capacity, throttling), 0 to 185.
   * @default 2
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Seconds a run may be retried before it goes to the dead-letter queue, 60 to 86400.
   * @default 3600
   */
  readonly maximumEventAgeSeconds?: number;
  /**
   * Key encrypting the schedule's dead-letter queue.
   * @default - a key of its own (`<purpose>-dlq`); pass `TaskEventBus.deadLetterKey` to share one
   */
  readonly deadLetterKey?: EncryptionKey;
  /**
   * Whether the schedule runs; `false` keeps it (and its history) without running it.
   * @default true
   */
  readonly enabled?: boolean;
  readonly description?: string;
}

/**
 * Runs a task definition as a one-off ECS task on a schedule, through
 * EventBridge Scheduler, with a command override (for example the tasks-api
 * image's `remind` command).
 *
 * The scheduler's role may run only revisions of the given family, only on
 * the given cluster, pass only the task's two roles and only to ECS tasks,
 * and send to the schedule's dead-letter queue. Runs that fail after the
 * retries (no capacity, a missing permission) land in that queue.
 */
export class ScheduledTask extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly scheduleName: string;
  readonly scheduleArn: string;
  readonly scheduleGroup: SchedulerScheduleGroup;
  readonly scheduleGroupName: string;
  /** The role EventBridge Scheduler assumes to call RunTask. */
  readonly role: ServiceRole;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly deadLetterQueueName: string;
  readonly deadLetterQueueArn: string;
  /** Metrics of the schedule group (Scheduler publishes per group, and the group holds only this schedule). */
  readonly metrics: {
    /** Runs the target rejected (RunTask errors). */
    readonly targetErrors: MetricIdentifier;
    readonly invocationsSentToDeadLetter: MetricIdentifier;
    /** Runs neither started nor dead-lettered. */
    readonly invocationsFailedToBeSentToDeadLetter: MetricIdentifier;
  };

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    const timeZone = props.timeZone ?? SCHEDULE_DEFAULTS.timeZone;
    const maximumRetryAttempts = props.maximumRetryAttempts ?? SCHEDULE_DEFAULTS.maximumRetryAttempts;
    const maximumEventAgeSeconds = props.maximumEventAgeSeconds ?? SCHEDULE_DEFAULTS.maximumEventAgeSeconds;
    this.validate(props, { timeZone, maximumRetryAttempts, maximumEventAgeSeconds });
    const platform = PlatformContext.of(this);

    this.scheduleName = platform.name(props.purpose, { maxLength: LIMITS.scheduleNameLength });
    this.scheduleGroupName = this.scheduleName;
    // Scheduler's trust condition names the schedule group (AWS: "do not scope to a specific schedule"),
    // so each scheduled task gets a group of its own and the role serves this schedule only.
    this.scheduleGroup = new SchedulerScheduleGroup(this, "group", { name: this.scheduleGroupName });
    const groupArn = platform.arn("scheduler", `schedule-group/${this.scheduleGroupName}`);

    const deadLetterKey =
      props.deadLetterKey ??
      new EncryptionKey(this, "dlq-key", { purpose: `${props.purpose}-dlq`, description: `${this.scheduleName} dead-letter queue` });
    this.deadLetterQueue = new DeadLetterQueue(this, "dlq", { purpose: `${props.purpose}-dlq`, encryptionKey: deadLetterKey });
    this.deadLetterQueueName = this.deadLetterQueue.queueName;
    this.deadLetterQueueArn = this.deadLetterQueue.queueArn;

    this.role = new ServiceRole(this, "role", {
      purpose: `${props.purpose}-scheduler`,
      assumedBy: ["scheduler.amazonaws.com"],
      description: `Runs the ${this.scheduleName} ECS task on its schedule`,
      trustConditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
        { test: "ArnEquals", variable: "aws:SourceArn", values: [groupArn] },
      ],
    });
    this.role.addToPolicy({
      sid: "RunTask",
      actions: ["ecs:RunTask"],
      // Any revision of the family, so a deploy that registers a new revision needs no policy change.
      resources: [platform.arn("ecs", `task-definition/${props.taskDefinitionFamily}:*`)],
      conditions: [{ test: "ArnEquals", variable: "ecs:cluster", values: [props.clusterArn] }],
    });
    this.role.addToPolicy({
      sid: "PassTaskRoles",
      actions: ["iam:PassRole"],
      resources: [props.taskRoleArn, props.executionRoleArn],
      conditions: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
    });
    this.deadLetterQueue.grantSend(this.role, "SendToDeadLetterQueue");

    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: this.scheduleName,
      groupName: this.scheduleGroup.name,
      description: props.description,
      scheduleExpression: props.scheduleExpression,
      scheduleExpressionTimezone: timeZone,
      state: props.enabled === false ? "DISABLED" : "ENABLED",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: props.clusterArn,
        roleArn: this.role.roleArn,
        ecsParameters: {
          taskDefinitionArn: props.taskDefinitionArn,
          taskCount: 1,
          // No launch type: a capacity provider strategy replaces it, and places the task on the cluster's instances.
          capacityProviderStrategy: [{ capacityProvider: props.capacityProviderName, weight: 1, base: 0 }],
          networkConfiguration: {
            subnets: [...props.subnetIds],
            securityGroups: [props.securityGroupId],
            assignPublicIp: false,
          },
        },
        input: JSON.stringify({ containerOverrides: [{ name: props.containerName, command: [...props.command] }] }),
        retryPolicy: { maximumRetryAttempts, maximumEventAgeInSeconds: maximumEventAgeSeconds },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
      // A run before the role's policies exist would fail; wait for them.
      dependsOn: this.role.inlinePolicies,
    });
    this.scheduleArn = this.schedule.arn;

    const dimensions = { ScheduleGroup: this.scheduleGroupName };
    this.metrics = {
      targetErrors: { namespace: METRIC_NAMESPACES.scheduler, metricName: "TargetErrorCount", dimensions },
      invocationsSentToDeadLetter: { namespace: METRIC_NAMESPACES.scheduler, metricName: "InvocationsSentToDeadLetterCount", dimensions },
      invocationsFailedToBeSentToDeadLetter: {
        namespace: METRIC_NAMESPACES.scheduler,
        metricName: "InvocationsFailedToBeSentToDeadLetterCount",
        dimensions,
      },
    };
  }

  private validate(
    props: ScheduledTaskProps,
    values: { timeZone: string; maximumRetryAttempts: number; maximumEventAgeSeconds: number },
  ): void {
    const path = this.node.path;
    if (!/^[a-z][a-z0-9-]*$/.test(props.purpose)) {
      throw new Error(`${path}: purpose "${props.purpose}" must be lower-case letters, digits and "-", starting with a letter, e.g. "reminder"`);
    }
    if (!/^(cron|rate|at)\(.+\)$/.test(props.scheduleExpression)) {
      throw new Error(
        `${path}: scheduleExpression "${props.scheduleExpression}" is not a Scheduler expression; use cron(...), rate(...) or at(...), e.g. "cron(0 0 * * ? *)"`,
      );
    }
    if (!isTimeZone(values.timeZone)) {
      throw new Error(`${path}: timeZone "${values.timeZone}" is not an IANA time zone; use e.g. "Asia/Seoul" or "UTC"`);
    }
    if (!Token.isUnresolved(props.taskDefinitionFamily) && !/^[A-Za-z0-9_-]{1,255}$/.test(props.taskDefinitionFamily)) {
      throw new Error(
        `${path}: taskDefinitionFamily "${props.taskDefinitionFamily}" is not a family name (1-255 letters, digits, "-", "_"); pass the family without ":<revision>"`,
      );
    }
    if (props.command.length === 0) {
      throw new Error(`${path}: command is empty; give the container's command, e.g. ["node", "main.mjs", "remind"]`);
    }
    if (props.subnetIds.length === 0 || props.subnetIds.length > 16) {
      throw new Error(`${path}: subnetIds has ${props.subnetIds.length} subnets; give 1 to 16 private subnets for the task`);
    }
    checkRange(path, "maximumRetryAttempts", values.maximumRetryAttempts, LIMITS.scheduleMaximumRetryAttempts);
    checkRange(path, "maximumEventAgeSeconds", values.maximumEventAgeSeconds, LIMITS.scheduleMaximumEventAgeSeconds);
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
