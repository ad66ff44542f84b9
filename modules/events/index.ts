import { Construct } from "constructs";
import { CloudwatchEventArchive } from "@cdktf/provider-aws/lib/cloudwatch-event-archive";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { PipesPipe } from "@cdktf/provider-aws/lib/pipes-pipe";
import { TASK_EVENT_DETAIL_TYPE, TASK_EVENT_SOURCE, TASK_EVENT_REPLAY_WINDOW_DAYS } from "../../contracts/events";
import { PlatformContext } from "../core/context";
import type { Table } from "../dynamodb";
import { ServiceRole } from "../iam-role";
import { EncryptionKey } from "../kms";
import type { NodejsFunction } from "../lambda";
import {
  BUS_DEFAULTS,
  LIMITS,
  METRIC_NAMESPACES,
  PIPE_DEFAULTS,
  RULE_TARGET_DEFAULTS,
  type MetricIdentifier,
} from "./defaults";
import { checkRange } from "./private/checks";
import { DeadLetterQueue } from "../queue";
import { notifyingStreamFilter, taskEventBusPattern } from "./private/patterns";

export { ScheduledTask, type ScheduledTaskProps } from "./scheduled-task";
export type { MetricIdentifier } from "./defaults";

/** A dead-letter queue of this module, for the monitoring module's depth alarm. */
export interface DeadLetterQueueInfo {
  /** What fails into it: `pipe`, `bus`, `notifier-rule` or `schedule`. */
  readonly source: string;
  readonly queueName: string;
  readonly queueArn: string;
}

export interface TaskEventBusProps {
  /** The task-events table (`TASK_EVENTS_TABLE`); its stream is the pipe's source, so it must have one. */
  readonly table: Table;
  /** The Lambda that mails task events; the bus's rule invokes it. */
  readonly notifier: NodejsFunction;
  /**
   * What the bus carries; names the bus, archive, pipe, rule, queues and roles (`taskboard-dev-<purpose>...`).
   * @default "task-events"
   */
  readonly purpose?: string;
  /**
   * Days the archive keeps task events for replay. Whole days, at least 1 (0 would mean forever).
   * @default 30
   */
  readonly archiveRetentionDays?: number;
  /**
   * Stream records the pipe reads per batch, 1 to 10 (PutEvents takes at most 10 entries).
   * @default 10
   */
  readonly pipeBatchSize?: number;
  /**
   * Retries of a failing batch before its records' positions go to the pipe's dead-letter queue, 0 to 10000.
   * @default 3 - bounded, so a poison record never blocks its shard
   */
  readonly pipeMaximumRetryAttempts?: number;
  /**
   * Retries of a failed delivery from the rule to the notifier, 0 to 185.
   * @default 8
   */
  readonly ruleMaximumRetryAttempts?: number;
  /**
   * Seconds an event may wait for delivery to the notifier before it goes to the dead-letter queue, 60 to 86400.
   * @default 3600
   */
  readonly ruleMaximumEventAgeSeconds?: number;
}

/**
 * The task-event pipeline: the task-events table's stream, filtered by an
 * EventBridge Pipe to new notifying events, onto a custom event bus
 * (customer managed key, archived for replay), and a rule that delivers them
 * to the notifier Lambda with retries and a dead-letter queue.
 *
 * Every failure path ends in an encrypted SQS dead-letter queue
 * (`deadLetterQueues`): the pipe's (stream records it could not put on the
 * bus), the bus's (events it could not encrypt or decrypt) and the rule
 * target's (events it could not deliver to the notifier).
 */
export class TaskEventBus extends Construct {
  readonly bus: CloudwatchEventBus;
  readonly busName: string;
  readonly busArn: string;
  /** Encrypts events on the bus, the rules' patterns and targets. */
  readonly busKey: EncryptionKey;
  readonly archive: CloudwatchEventArchive;
  readonly archiveName: string;
  readonly archiveArn: string;
  readonly pipe: PipesPipe;
  readonly pipeName: string;
  readonly pipeArn: string;
  /** The pipe's role: stream read, PutEvents on this bus, send to its dead-letter queue. Nothing else. */
  readonly pipeRole: ServiceRole;
  readonly rule: CloudwatchEventRule;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly ruleTarget: CloudwatchEventTarget;
  /** Encrypts the dead-letter queues; pass it to a `ScheduledTask` so one key serves every event DLQ. */
  readonly deadLetterKey: EncryptionKey;
  readonly pipeDeadLetterQueue: DeadLetterQueue;
  readonly busDeadLetterQueue: DeadLetterQueue;
  readonly ruleDeadLetterQueue: DeadLetterQueue;
  readonly deadLetterQueues: readonly DeadLetterQueueInfo[];
  /** Metrics the monitoring module alarms on; each one above zero means events are not getting through. */
  readonly metrics: {
    /** Pipe executions that failed (after retries, the records went to the pipe's DLQ). */
    readonly pipeExecutionFailed: MetricIdentifier;
    /** Batches the pipe could not put on the bus. */
    readonly pipeTargetStageFailed: MetricIdentifier;
    /** Deliveries from the rule to the notifier that failed for good. */
    readonly ruleFailedInvocations: MetricIdentifier;
    readonly ruleInvocationsSentToDlq: MetricIdentifier;
    /** Events lost entirely: neither delivered nor dead-lettered. */
    readonly ruleInvocationsFailedToBeSentToDlq: MetricIdentifier;
  };

  constructor(scope: Construct, id: string, props: TaskEventBusProps) {
    super(scope, id);
    const purpose = props.purpose ?? "task-events";
    const archiveRetentionDays = props.archiveRetentionDays ?? BUS_DEFAULTS.archiveRetentionDays;
    const pipeBatchSize = props.pipeBatchSize ?? PIPE_DEFAULTS.batchSize;
    const pipeMaximumRetryAttempts = props.pipeMaximumRetryAttempts ?? PIPE_DEFAULTS.maximumRetryAttempts;
    const ruleMaximumRetryAttempts = props.ruleMaximumRetryAttempts ?? RULE_TARGET_DEFAULTS.maximumRetryAttempts;
    const ruleMaximumEventAgeSeconds = props.ruleMaximumEventAgeSeconds ?? RULE_TARGET_DEFAULTS.maximumEventAgeSeconds;
    const streamArn = this.validate(props, {
      purpose,
      archiveRetentionDays,
      pipeBatchSize,
      pipeMaximumRetryAttempts,
      ruleMaximumRetryAttempts,
      ruleMaximumEventAgeSeconds,
    });
    const platform = PlatformContext.of(this);

    // Names and ARNs are built from the names, not read from resources: the key
    // and queue policies must name the bus and rule that in turn use that key and queue.
    this.busName = platform.name(purpose, { maxLength: LIMITS.busNameLength });
    const busArn = platform.arn("events", `event-bus/${this.busName}`);
    this.pipeName = platform.name(`${purpose}-stream`, { maxLength: LIMITS.pipeNameLength });
    const pipeArn = platform.arn("pipes", `pipe/${this.pipeName}`);
    this.ruleName = platform.name(`${purpose}-notify`, { maxLength: LIMITS.ruleNameLength });
    const ruleArn = platform.arn("events", `rule/${this.busName}/${this.ruleName}`);
    this.archiveName = platform.name(purpose, { maxLength: LIMITS.archiveNameLength });

    this.deadLetterKey = new EncryptionKey(this, "dlq-key", {
      purpose: `${purpose}-dlq`,
      description: `${this.busName} dead-letter queues`,
    });
    this.pipeDeadLetterQueue = new DeadLetterQueue(this, "pipe-dlq", {
      purpose: `${purpose}-pipe-dlq`,
      encryptionKey: this.deadLetterKey,
    });
    this.busDeadLetterQueue = new DeadLetterQueue(this, "bus-dlq", {
      purpose: `${purpose}-bus-dlq`,
      encryptionKey: this.deadLetterKey,
    });
    this.busDeadLetterQueue.allowServiceSend("events.amazonaws.com", busArn, "EventBridgeBus");
    this.ruleDeadLetterQueue = new DeadLetterQueue(this, "rule-dlq", {
      purpose: `${purpose}-notify-dlq`,
      encryptionKey: this.deadLetterKey,
    });
    this.ruleDeadLetterQueue.allowServiceSend("events.amazonaws.com", ruleArn, "EventBridgeNotifyRule");

    this.busKey = new EncryptionKey(this, "bus-key", {
      purpose: `${purpose}-bus`,
      description: `${this.busName} event bus encryption`,
    });
    // EventBridge encrypts every event under the bus's ARN as encryption context, so every
    // data-key request must name this bus. Archive and replay calls carry no aws:SourceArn,
    // so the bus is pinned by context, not by source. DescribeKey (called to check the key when
    // the bus is created) carries no context, so it has a statement of its own.
    this.busKey.allowService(
      "events.amazonaws.com",
      "EventBridgeBus",
      [
        { test: "StringEquals", variable: "kms:EncryptionContext:aws:events:event-bus:arn", values: [busArn] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
      ],
      { actions: ["kms:Decrypt", "kms:GenerateDataKey*"] },
    );
    this.busKey.allowService(
      "events.amazonaws.com",
      "EventBridgeDescribeKey",
      [{ test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] }],
      { actions: ["kms:DescribeKey"] },
    );

    this.bus = new CloudwatchEventBus(this, "bus", {
      name: this.busName,
      description: "Task events from the task-events table stream",
      kmsKeyIdentifier: this.busKey.keyArn,
      // Events EventBridge cannot encrypt or decrypt (the key disabled, its policy broken) land here.
      deadLetterConfig: { arn: this.busDeadLetterQueue.queueArn },
    });
    this.busArn = this.bus.arn;

    // The provider (5.100) has no kms_key_identifier on archives, so archived events are
    // encrypted with an AWS owned key. Set it when the provider moves to 6.x (see README).
    this.archive = new CloudwatchEventArchive(this, "archive", {
      name: this.archiveName,
      description: `Task events on ${this.busName}, kept for replay`,
      eventSourceArn: this.bus.arn,
      retentionDays: archiveRetentionDays,
      eventPattern: JSON.stringify(taskEventBusPattern()),
    });
    this.archiveArn = this.archive.arn;

    this.pipeRole = new ServiceRole(this, "pipe-role", {
      purpose: `${purpose}-pipe`,
      assumedBy: ["pipes.amazonaws.com"],
      description: `Runs the ${this.pipeName} pipe: task-events stream to ${this.busName}`,
      trustConditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
        { test: "ArnEquals", variable: "aws:SourceArn", values: [pipeArn] },
      ],
    });
    props.table.grantStreamRead(this.pipeRole, "ReadTaskEventsStream");
    this.pipeRole.addToPolicy({
      sid: "PutTaskEvents",
      actions: ["events:PutEvents"],
      resources: [this.bus.arn],
      // Only task events: the role cannot put anything else on the bus the notifier listens to.
      conditions: [{ test: "StringEquals", variable: "events:source", values: [TASK_EVENT_SOURCE] }],
    });
    // No KMS grant for the bus key: EventBridge encrypts with it as its own service principal (key policy above).
    this.pipeDeadLetterQueue.grantSend(this.pipeRole, "SendToPipeDeadLetterQueue");

    this.pipe = new PipesPipe(this, "pipe", {
      name: this.pipeName,
      description: `Notifying task events from the task-events table stream to ${this.busName}`,
      roleArn: this.pipeRole.roleArn,
      desiredState: "RUNNING",
      source: streamArn,
      sourceParameters: {
        dynamodbStreamParameters: {
          startingPosition: PIPE_DEFAULTS.startingPosition,
          batchSize: pipeBatchSize,
          maximumRetryAttempts: pipeMaximumRetryAttempts,
          onPartialBatchItemFailure: PIPE_DEFAULTS.onPartialBatchItemFailure,
          // A DynamoDB stream DLQ receives the failed batch's shard and sequence numbers, not the
          // records: the events themselves stay in the table (and in the stream for 24 hours).
          deadLetterConfig: { arn: this.pipeDeadLetterQueue.queueArn },
        },
        filterCriteria: { filter: [{ pattern: JSON.stringify(notifyingStreamFilter()) }] },
      },
      target: this.bus.arn,
      targetParameters: {
        eventbridgeEventBusParameters: { source: TASK_EVENT_SOURCE, detailType: TASK_EVENT_DETAIL_TYPE },
      },
      // Pipes checks the role's access to the source and target when the pipe is created.
      dependsOn: this.pipeRole.inlinePolicies,
    });
    this.pipeArn = this.pipe.arn;

    this.rule = new CloudwatchEventRule(this, "notify-rule", {
      name: this.ruleName,
      description: `Task events on ${this.busName} to the notifier`,
      eventBusName: this.bus.name,
      eventPattern: JSON.stringify(taskEventBusPattern()),
      state: "ENABLED",
    });
    this.ruleArn = this.rule.arn;
    const invokePermission = props.notifier.grantInvoke("events.amazonaws.com", this.rule.arn, "TaskEventsRule");
    this.ruleTarget = new CloudwatchEventTarget(this, "notify-target", {
      rule: this.rule.name,
      eventBusName: this.bus.name,
      targetId: "notifier",
      arn: props.notifier.functionArn,
      retryPolicy: {
        maximumRetryAttempts: ruleMaximumRetryAttempts,
        maximumEventAgeInSeconds: ruleMaximumEventAgeSeconds,
      },
      deadLetterConfig: { arn: this.ruleDeadLetterQueue.queueArn },
      dependsOn: [invokePermission],
    });

    this.deadLetterQueues = [
      { source: "pipe", queue: this.pipeDeadLetterQueue },
      { source: "bus", queue: this.busDeadLetterQueue },
      { source: "notifier-rule", queue: this.ruleDeadLetterQueue },
    ].map(({ source, queue }) => ({ source, queueName: queue.queueName, queueArn: queue.queueArn }));

    const pipeDimensions = { PipeName: this.pipeName };
    const ruleDimensions = { EventBusName: this.busName, RuleName: this.ruleName };
    this.metrics = {
      pipeExecutionFailed: { namespace: METRIC_NAMESPACES.pipes, metricName: "ExecutionFailed", dimensions: pipeDimensions },
      pipeTargetStageFailed: { namespace: METRIC_NAMESPACES.pipes, metricName: "TargetStageFailed", dimensions: pipeDimensions },
      ruleFailedInvocations: { namespace: METRIC_NAMESPACES.events, metricName: "FailedInvocations", dimensions: ruleDimensions },
      ruleInvocationsSentToDlq: { namespace: METRIC_NAMESPACES.events, metricName: "InvocationsSentToDlq", dimensions: ruleDimensions },
      ruleInvocationsFailedToBeSentToDlq: {
        namespace: METRIC_NAMESPACES.events,
        metricName: "InvocationsFailedToBeSentToDlq",
        dimensions: ruleDimensions,
      },
    };
  }

  /** Checks the props and returns the table's stream ARN. */
  private validate(
    props: TaskEventBusProps,
    values: {
      purpose: string;
      archiveRetentionDays: number;
      pipeBatchSize: number;
      pipeMaximumRetryAttempts: number;
      ruleMaximumRetryAttempts: number;
      ruleMaximumEventAgeSeconds: number;
    },
  ): string {
    const path = this.node.path;
    if (!/^[a-z][a-z0-9-]*$/.test(values.purpose)) {
      throw new Error(`${path}: purpose "${values.purpose}" must be lower-case letters, digits and "-", starting with a letter, e.g. "task-events"`);
    }
    if (!props.table.streamArn) {
      throw new Error(
        `${path}: table ${props.table.node.path} has no stream; create it from TASK_EVENTS_TABLE (stream "NEW_IMAGE") so the pipe has a source`,
      );
    }
    if (!Number.isInteger(values.archiveRetentionDays) || values.archiveRetentionDays < 1) {
      throw new Error(
        `${path}: archiveRetentionDays ${values.archiveRetentionDays} must be a whole number of days, at least 1; EventBridge reads 0 as "keep forever"`,
      );
    }
    if (values.archiveRetentionDays > TASK_EVENT_REPLAY_WINDOW_DAYS) {
      throw new Error(
        `${path}: archiveRetentionDays ${values.archiveRetentionDays} exceeds the ${TASK_EVENT_REPLAY_WINDOW_DAYS}-day replay window the notifier deduplicates over, so a replay could email people twice; keep it at ${TASK_EVENT_REPLAY_WINDOW_DAYS} or less (TASK_EVENT_REPLAY_WINDOW_DAYS in contracts/events.ts)`,
      );
    }
    checkRange(path, "pipeBatchSize", values.pipeBatchSize, LIMITS.pipeBatchSize);
    checkRange(path, "pipeMaximumRetryAttempts", values.pipeMaximumRetryAttempts, LIMITS.pipeMaximumRetryAttempts);
    checkRange(path, "ruleMaximumRetryAttempts", values.ruleMaximumRetryAttempts, LIMITS.ruleMaximumRetryAttempts);
    checkRange(path, "ruleMaximumEventAgeSeconds", values.ruleMaximumEventAgeSeconds, LIMITS.ruleMaximumEventAgeSeconds);
    return props.table.streamArn;
  }
}
