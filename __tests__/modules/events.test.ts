import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { NOTIFYING_EVENT_TYPES, TASK_EVENT_DETAIL_TYPE, TASK_EVENT_SOURCE } from "../../contracts/events";
import { TASK_EVENTS_TABLE, USERS_TABLE } from "../../contracts/tables";
import { Table } from "../../modules/dynamodb";
import { ScheduledTask, TaskEventBus, type ScheduledTaskProps, type TaskEventBusProps } from "../../modules/events";
import { NodejsFunction } from "../../modules/lambda";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack, type Synthesized } from "../support/synth";

const ENTRY = "__tests__/fixtures/lambda/hello/index.ts";
const BUS_ARN = `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/taskboard-test-task-events`;
const RULE_ARN = `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/taskboard-test-task-events/taskboard-test-task-events-notify`;
const PIPE_ARN = `arn:aws:pipes:${TEST_REGION}:${TEST_ACCOUNT}:pipe/taskboard-test-task-events-stream`;
const queueArn = (name: string) => `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${name}`;

/** The logical id of the one resource of a type under a construct path (cdktf drops a segment its predecessor ends with). */
function logicalId(out: Synthesized, type: string, path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segments.length === 0 || !segments[segments.length - 1]!.endsWith(segment)) segments.push(segment);
  }
  const prefix = `${segments.join("_")}_`;
  const ids = Object.keys(out.resources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} under ${path}, found ${ids.length}`);
  return ids[0]!;
}

function resourceAt(out: Synthesized, type: string, path: string): Record<string, unknown> {
  return out.resources(type)[logicalId(out, type, path)]!;
}

const ref = (out: Synthesized, type: string, path: string, attribute: string) =>
  `\${${type}.${logicalId(out, type, path)}.${attribute}}`;

interface Fixture {
  readonly stack: TerraformStack;
  readonly table: Table;
  readonly notifier: NodejsFunction;
}

function fixture(): Fixture {
  const stack = testStack();
  const table = new Table(stack, "task-events", TASK_EVENTS_TABLE);
  const notifier = new NodejsFunction(stack, "notifier", { purpose: "notifier", entry: ENTRY, logRetentionDays: 7 });
  return { stack, table, notifier };
}

function eventBus(props: Partial<TaskEventBusProps> = {}): { out: Synthesized; bus: TaskEventBus } {
  const { stack, table, notifier } = fixture();
  const bus = new TaskEventBus(stack, "bus", { table, notifier, ...props });
  return { out: synth(stack), bus };
}

describe("TaskEventBus", () => {
  it("pipes the table's stream, filtered to new notifying events, onto the bus with the task-event envelope", () => {
    const { out } = eventBus();
    const pipe = out.resource("aws_pipes_pipe");
    expect(pipe).toMatchObject({
      name: "taskboard-test-task-events-stream",
      desired_state: "RUNNING",
      role_arn: ref(out, "aws_iam_role", "bus/pipe-role/role", "arn"),
      source: ref(out, "aws_dynamodb_table", "task-events/table", "stream_arn"),
      target: ref(out, "aws_cloudwatch_event_bus", "bus/bus", "arn"),
      target_parameters: {
        eventbridge_event_bus_parameters: { source: TASK_EVENT_SOURCE, detail_type: TASK_EVENT_DETAIL_TYPE },
      },
    });
    const source = pipe.source_parameters as {
      dynamodb_stream_parameters: Record<string, unknown>;
      filter_criteria: { filter: { pattern: string }[] };
    };
    expect(source.dynamodb_stream_parameters).toEqual({
      starting_position: "LATEST",
      batch_size: 10,
      maximum_retry_attempts: 3,
      on_partial_batch_item_failure: "AUTOMATIC_BISECT",
      dead_letter_config: { arn: ref(out, "aws_sqs_queue", "bus/pipe-dlq/queue", "arn") },
    });
    expect(source.filter_criteria.filter).toHaveLength(1);
    expect(JSON.parse(source.filter_criteria.filter[0]!.pattern)).toEqual({
      eventName: ["INSERT"],
      dynamodb: { NewImage: { type: { S: ["task.assigned", "task.status_changed", "task.due_soon", "task.overdue"] } } },
    });
    expect([...NOTIFYING_EVENT_TYPES]).toEqual(["task.assigned", "task.status_changed", "task.due_soon", "task.overdue"]);
  });

  it("gives the pipe's role exactly stream read, PutEvents on the bus and send to its DLQ, trusted only for this pipe", () => {
    const { out } = eventBus();
    const busArn = ref(out, "aws_cloudwatch_event_bus", "bus/bus", "arn");
    const statements = out.policyStatements("bus/pipe-role/grant-");
    expect(statements).toHaveLength(6);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: "ReadTaskEventsStream",
          effect: "Allow",
          actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
          resources: [ref(out, "aws_dynamodb_table", "task-events/table", "stream_arn")],
        },
        { sid: "ReadTaskEventsStreamList", effect: "Allow", actions: ["dynamodb:ListStreams"], resources: ["*"] },
        expect.objectContaining({
          sid: "ReadTaskEventsStreamKey",
          actions: ["kms:Decrypt", "kms:DescribeKey"],
          resources: [ref(out, "aws_kms_key", "task-events/key/key", "arn")],
        }),
        {
          sid: "PutTaskEvents",
          effect: "Allow",
          actions: ["events:PutEvents"],
          resources: [busArn],
          condition: [{ test: "StringEquals", variable: "events:source", values: [TASK_EVENT_SOURCE] }],
        },
        {
          sid: "SendToPipeDeadLetterQueue",
          effect: "Allow",
          actions: ["sqs:SendMessage"],
          resources: [ref(out, "aws_sqs_queue", "bus/pipe-dlq/queue", "arn")],
        },
        expect.objectContaining({
          sid: "SendToPipeDeadLetterQueueKey",
          resources: [ref(out, "aws_kms_key", "bus/dlq-key/key", "arn")],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`sqs.${TEST_REGION}.amazonaws.com`] }],
        }),
      ]),
    );
    expect(out.policyStatements("bus/pipe-role/trust")).toEqual([
      expect.objectContaining({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["pipes.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
          { test: "ArnEquals", variable: "aws:SourceArn", values: [PIPE_ARN] },
        ],
      }),
    ]);
    // The pipe waits for every grant: Pipes checks source and target access on create.
    expect((out.resource("aws_pipes_pipe").depends_on as string[]).length).toBe(6);
  });

  it("encrypts the bus with its own key, usable by EventBridge only for this bus, and dead-letters crypto failures", () => {
    const { out } = eventBus();
    expect(out.resource("aws_cloudwatch_event_bus")).toEqual(
      expect.objectContaining({
        name: "taskboard-test-task-events",
        kms_key_identifier: ref(out, "aws_kms_key", "bus/bus-key/key", "arn"),
        dead_letter_config: { arn: ref(out, "aws_sqs_queue", "bus/bus-dlq/queue", "arn") },
      }),
    );
    expect(resourceAt(out, "aws_kms_key", "bus/bus-key/key")).toMatchObject({ enable_key_rotation: true });
    const statements = out.policyStatements("bus/bus-key/policy");
    expect(statements.find((s) => s.sid === "AllowEventBridgeBus")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: ["*"],
      condition: [
        { test: "StringEquals", variable: "kms:EncryptionContext:aws:events:event-bus:arn", values: [BUS_ARN] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
      ],
    });
    // DescribeKey carries no encryption context, so it stands alone and grants nothing else.
    expect(statements.find((s) => s.sid === "AllowEventBridgeDescribeKey")).toMatchObject({
      actions: ["kms:DescribeKey"],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] }],
    });
  });

  it("archives the task events for replay with the configured retention", () => {
    const { out } = eventBus({ archiveRetentionDays: 14 });
    const archive = out.resource("aws_cloudwatch_event_archive");
    expect(archive).toMatchObject({
      name: "taskboard-test-task-events",
      event_source_arn: ref(out, "aws_cloudwatch_event_bus", "bus/bus", "arn"),
      retention_days: 14,
    });
    expect(JSON.parse(archive.event_pattern as string)).toEqual({ source: [TASK_EVENT_SOURCE], "detail-type": [TASK_EVENT_DETAIL_TYPE] });
    expect(eventBus().out.resource("aws_cloudwatch_event_archive").retention_days).toBe(30);
  });

  it("routes task events to the notifier with a retry policy and a dead-letter queue, invocable only from the rule", () => {
    const { out } = eventBus({ ruleMaximumRetryAttempts: 4, ruleMaximumEventAgeSeconds: 1800 });
    const rule = out.resource("aws_cloudwatch_event_rule");
    expect(rule).toMatchObject({
      name: "taskboard-test-task-events-notify",
      event_bus_name: ref(out, "aws_cloudwatch_event_bus", "bus/bus", "name"),
      state: "ENABLED",
    });
    expect(JSON.parse(rule.event_pattern as string)).toEqual({ source: [TASK_EVENT_SOURCE], "detail-type": [TASK_EVENT_DETAIL_TYPE] });
    expect(out.resource("aws_cloudwatch_event_target")).toMatchObject({
      rule: ref(out, "aws_cloudwatch_event_rule", "bus/notify-rule", "name"),
      event_bus_name: ref(out, "aws_cloudwatch_event_bus", "bus/bus", "name"),
      arn: ref(out, "aws_lambda_function", "notifier/function", "arn"),
      retry_policy: { maximum_retry_attempts: 4, maximum_event_age_in_seconds: 1800 },
      dead_letter_config: { arn: ref(out, "aws_sqs_queue", "bus/rule-dlq/queue", "arn") },
    });
    expect(out.resource("aws_lambda_permission")).toMatchObject({
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      source_arn: ref(out, "aws_cloudwatch_event_rule", "bus/notify-rule", "arn"),
    });
  });

  it("defaults the rule target to 8 retries within an hour", () => {
    expect(eventBus().out.resource("aws_cloudwatch_event_target").retry_policy).toEqual({
      maximum_retry_attempts: 8,
      maximum_event_age_in_seconds: 3600,
    });
  });

  it("makes every queue a KMS-encrypted, 14-day, redrive-free dead-letter queue that refuses plain HTTP", () => {
    const { out } = eventBus();
    const keyArn = ref(out, "aws_kms_key", "bus/dlq-key/key", "arn");
    const queues = out.resources("aws_sqs_queue");
    expect(Object.keys(queues)).toHaveLength(3);
    for (const queue of Object.values(queues)) {
      expect(queue).toMatchObject({ kms_master_key_id: keyArn, message_retention_seconds: 1_209_600 });
      expect(queue).not.toHaveProperty("redrive_policy");
      expect(queue).not.toHaveProperty("sqs_managed_sse_enabled");
    }
    for (const [path, name] of [
      ["bus/pipe-dlq", "taskboard-test-task-events-pipe-dlq"],
      ["bus/bus-dlq", "taskboard-test-task-events-bus-dlq"],
      ["bus/rule-dlq", "taskboard-test-task-events-notify-dlq"],
    ] as const) {
      expect(resourceAt(out, "aws_sqs_queue", `${path}/queue`).name).toBe(name);
      expect(resourceAt(out, "aws_sqs_queue_policy", `${path}/queue-policy`).queue_url).toBe(
        ref(out, "aws_sqs_queue", `${path}/queue`, "url"),
      );
      expect(out.policyStatements(`${path}/policy`)).toContainEqual({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["sqs:*"],
        resources: [queueArn(name)],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    }
  });

  it("lets EventBridge send to the rule's DLQ only for the rule, and to the bus's DLQ only for the bus", () => {
    const { out } = eventBus();
    const ruleQueue = queueArn("taskboard-test-task-events-notify-dlq");
    const busQueue = queueArn("taskboard-test-task-events-bus-dlq");
    expect(out.policyStatements("bus/rule-dlq/policy")).toContainEqual({
      sid: "EventBridgeNotifyRule",
      effect: "Allow",
      actions: ["sqs:SendMessage"],
      resources: [ruleQueue],
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [RULE_ARN] }],
    });
    expect(out.policyStatements("bus/bus-dlq/policy")).toContainEqual(
      expect.objectContaining({
        sid: "EventBridgeBus",
        condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [BUS_ARN] }],
      }),
    );
    // The pipe's DLQ admits no service: only the pipe's role, through IAM.
    expect(out.policyStatements("bus/pipe-dlq/policy").filter((s) => s.effect === "Allow")).toEqual([]);
    // EventBridge may use the queues' key only to encrypt messages of those two queues.
    const keyStatements = out.policyStatements("bus/dlq-key/policy").filter((s) => s.sid !== "AccountAdministersThroughIam");
    expect(keyStatements).toEqual([
      expect.objectContaining({
        sid: "AllowEventBridgeBus",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "kms:EncryptionContext:aws:sqs:arn", values: [busQueue] },
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
        ],
      }),
      expect.objectContaining({
        sid: "AllowEventBridgeNotifyRule",
        condition: [
          { test: "StringEquals", variable: "kms:EncryptionContext:aws:sqs:arn", values: [ruleQueue] },
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
        ],
      }),
    ]);
  });

  it("exposes names, dead-letter queues and metric identifiers for monitoring", () => {
    const { bus } = eventBus();
    expect(bus.busName).toBe("taskboard-test-task-events");
    expect(bus.archiveName).toBe("taskboard-test-task-events");
    expect(bus.pipeName).toBe("taskboard-test-task-events-stream");
    expect(bus.ruleName).toBe("taskboard-test-task-events-notify");
    expect(bus.deadLetterQueues.map((q) => [q.source, q.queueName])).toEqual([
      ["pipe", "taskboard-test-task-events-pipe-dlq"],
      ["bus", "taskboard-test-task-events-bus-dlq"],
      ["notifier-rule", "taskboard-test-task-events-notify-dlq"],
    ]);
    expect(bus.metrics.pipeExecutionFailed).toEqual({
      namespace: "AWS/EventBridge/Pipes",
      metricName: "ExecutionFailed",
      dimensions: { PipeName: "taskboard-test-task-events-stream" },
    });
    expect(bus.metrics.ruleFailedInvocations).toEqual({
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensions: { EventBusName: "taskboard-test-task-events", RuleName: "taskboard-test-task-events-notify" },
    });
  });

  it("throws when the table has no stream", () => {
    const stack = testStack();
    const users = new Table(stack, "users", USERS_TABLE);
    const notifier = new NodejsFunction(stack, "notifier", { purpose: "notifier", entry: ENTRY, logRetentionDays: 7 });
    expect(() => new TaskEventBus(stack, "bus", { table: users, notifier })).toThrow(/test\/bus: table test\/users has no stream/);
  });

  it("throws when the purpose is not lower-case kebab", () => {
    expect(() => eventBus({ purpose: "Task Events" })).toThrow(/purpose "Task Events" must be lower-case/);
  });

  it("throws when archiveRetentionDays is below 1", () => {
    expect(() => eventBus({ archiveRetentionDays: 0 })).toThrow(/archiveRetentionDays 0 must be a whole number of days, at least 1/);
  });

  it("throws when the archive would outlive the notifier's replay window", () => {
    expect(() => eventBus({ archiveRetentionDays: 31 })).toThrow(/archiveRetentionDays 31 exceeds the 30-day replay window/);
  });

  it("throws when pipeBatchSize is above 10", () => {
    expect(() => eventBus({ pipeBatchSize: 11 })).toThrow(/pipeBatchSize 11 is out of range; use a whole number from 1 to 10/);
  });

  it("throws when pipeMaximumRetryAttempts is unbounded", () => {
    expect(() => eventBus({ pipeMaximumRetryAttempts: -1 })).toThrow(/pipeMaximumRetryAttempts -1 is out of range/);
  });

  it("throws when ruleMaximumRetryAttempts is above 185", () => {
    expect(() => eventBus({ ruleMaximumRetryAttempts: 186 })).toThrow(/ruleMaximumRetryAttempts 186 is out of range; use a whole number from 0 to 185/);
  });

  it("throws when ruleMaximumEventAgeSeconds is below 60", () => {
    expect(() => eventBus({ ruleMaximumEventAgeSeconds: 30 })).toThrow(/ruleMaximumEventAgeSeconds 30 is out of range; use a whole number from 60 to 86400/);
  });
});

const CLUSTER_ARN = `arn:aws:ecs:${TEST_REGION}:${TEST_ACCOUNT}:cluster/taskboard-test-app`;
const TASK_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/taskboard-test-tasks-api-task`;
const EXECUTION_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/taskboard-test-tasks-api-execution`;

const REMINDER: ScheduledTaskProps = {
  purpose: "reminder",
  scheduleExpression: "cron(0 0 * * ? *)",
  timeZone: "Asia/Seoul",
  clusterArn: CLUSTER_ARN,
  capacityProviderName: "taskboard-test-app",
  taskDefinitionArn: `arn:aws:ecs:${TEST_REGION}:${TEST_ACCOUNT}:task-definition/taskboard-test-tasks-api:7`,
  taskDefinitionFamily: "taskboard-test-tasks-api",
  containerName: "app",
  command: ["node", "main.mjs", "remind"],
  subnetIds: ["subnet-aaaa", "subnet-bbbb"],
  securityGroupId: "sg-tasks",
  taskRoleArn: TASK_ROLE_ARN,
  executionRoleArn: EXECUTION_ROLE_ARN,
};

function reminder(props: Partial<ScheduledTaskProps> = {}): { out: Synthesized; task: ScheduledTask } {
  const stack = testStack();
  const task = new ScheduledTask(stack, "reminder", { ...REMINDER, ...props });
  return { out: synth(stack), task };
}

describe("ScheduledTask", () => {
  it("runs the task definition once per schedule on the EC2 capacity provider, in private subnets, with the command overridden", () => {
    const { out } = reminder();
    const schedule = out.resource("aws_scheduler_schedule");
    expect(schedule).toMatchObject({
      name: "taskboard-test-reminder",
      group_name: ref(out, "aws_scheduler_schedule_group", "reminder/group", "name"),
      schedule_expression: "cron(0 0 * * ? *)",
      schedule_expression_timezone: "Asia/Seoul",
      state: "ENABLED",
      flexible_time_window: { mode: "OFF" },
    });
    const target = schedule.target as Record<string, unknown>;
    expect(target).toEqual({
      arn: CLUSTER_ARN,
      role_arn: ref(out, "aws_iam_role", "reminder/role/role", "arn"),
      ecs_parameters: {
        task_definition_arn: REMINDER.taskDefinitionArn,
        task_count: 1,
        capacity_provider_strategy: [{ capacity_provider: "taskboard-test-app", weight: 1, base: 0 }],
        network_configuration: { subnets: ["subnet-aaaa", "subnet-bbbb"], security_groups: ["sg-tasks"], assign_public_ip: false },
      },
      input: expect.any(String),
      retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
      dead_letter_config: { arn: ref(out, "aws_sqs_queue", "reminder/dlq/queue", "arn") },
    });
    expect(JSON.parse(target.input as string)).toEqual({
      containerOverrides: [{ name: "app", command: ["node", "main.mjs", "remind"] }],
    });
    expect(target.ecs_parameters).not.toHaveProperty("launch_type");
    expect(out.resource("aws_scheduler_schedule_group").name).toBe("taskboard-test-reminder");
  });

  it("lets its role run only this family on this cluster, pass only the task's two roles to ECS tasks, and send to its DLQ", () => {
    const { out } = reminder();
    const statements = out.policyStatements("reminder/role/grant-");
    expect(statements).toHaveLength(4);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: "RunTask",
          effect: "Allow",
          actions: ["ecs:RunTask"],
          resources: [`arn:aws:ecs:${TEST_REGION}:${TEST_ACCOUNT}:task-definition/taskboard-test-tasks-api:*`],
          condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [CLUSTER_ARN] }],
        },
        {
          sid: "PassTaskRoles",
          effect: "Allow",
          actions: ["iam:PassRole"],
          resources: [TASK_ROLE_ARN, EXECUTION_ROLE_ARN],
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
        },
        {
          sid: "SendToDeadLetterQueue",
          effect: "Allow",
          actions: ["sqs:SendMessage"],
          resources: [ref(out, "aws_sqs_queue", "reminder/dlq/queue", "arn")],
        },
        expect.objectContaining({ sid: "SendToDeadLetterQueueKey", resources: [ref(out, "aws_kms_key", "reminder/dlq-key/key", "arn")] }),
      ]),
    );
    expect(out.policyStatements("reminder/role/trust")).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
          {
            test: "ArnEquals",
            variable: "aws:SourceArn",
            values: [`arn:aws:scheduler:${TEST_REGION}:${TEST_ACCOUNT}:schedule-group/taskboard-test-reminder`],
          },
        ],
      }),
    ]);
  });

  it("dead-letters into an encrypted, TLS-only, 14-day queue, under a shared key when given one", () => {
    const { out } = reminder();
    expect(out.resource("aws_sqs_queue")).toMatchObject({
      name: "taskboard-test-reminder-dlq",
      kms_master_key_id: ref(out, "aws_kms_key", "reminder/dlq-key/key", "arn"),
      message_retention_seconds: 1_209_600,
    });
    expect(out.policyStatements("reminder/dlq/policy")).toContainEqual(
      expect.objectContaining({ sid: "DenyInsecureTransport", effect: "Deny" }),
    );

    const { stack, table, notifier } = fixture();
    const bus = new TaskEventBus(stack, "bus", { table, notifier });
    new ScheduledTask(stack, "reminder", { ...REMINDER, deadLetterKey: bus.deadLetterKey });
    const shared = synth(stack);
    expect(resourceAt(shared, "aws_sqs_queue", "reminder/dlq/queue").kms_master_key_id).toBe(
      ref(shared, "aws_kms_key", "bus/dlq-key/key", "arn"),
    );
    expect(Object.keys(shared.resources("aws_kms_key")).filter((id) => id.startsWith("reminder_"))).toEqual([]);
  });

  it("defaults to UTC, and exposes its DLQ and schedule-group metrics", () => {
    const { out, task } = reminder({ timeZone: undefined });
    expect(out.resource("aws_scheduler_schedule").schedule_expression_timezone).toBe("UTC");
    expect(task.deadLetterQueueName).toBe("taskboard-test-reminder-dlq");
    expect(task.metrics.targetErrors).toEqual({
      namespace: "AWS/Scheduler",
      metricName: "TargetErrorCount",
      dimensions: { ScheduleGroup: "taskboard-test-reminder" },
    });
  });

  it("throws when the purpose is not lower-case kebab", () => {
    expect(() => reminder({ purpose: "Reminder" })).toThrow(/test\/reminder: purpose "Reminder" must be lower-case/);
  });

  it("throws when the schedule expression is not cron, rate or at", () => {
    expect(() => reminder({ scheduleExpression: "0 0 * * *" })).toThrow(/scheduleExpression "0 0 \* \* \*" is not a Scheduler expression/);
  });

  it("throws when the time zone is not an IANA zone", () => {
    expect(() => reminder({ timeZone: "Seoul" })).toThrow(/timeZone "Seoul" is not an IANA time zone/);
  });

  it("throws when the family carries a revision", () => {
    expect(() => reminder({ taskDefinitionFamily: "taskboard-test-tasks-api:7" })).toThrow(/taskDefinitionFamily "taskboard-test-tasks-api:7" is not a family name/);
  });

  it("throws when the command is empty", () => {
    expect(() => reminder({ command: [] })).toThrow(/command is empty/);
  });

  it("throws when no subnet is given", () => {
    expect(() => reminder({ subnetIds: [] })).toThrow(/subnetIds has 0 subnets; give 1 to 16/);
  });

  it("throws when maximumRetryAttempts is above 185", () => {
    expect(() => reminder({ maximumRetryAttempts: 200 })).toThrow(/maximumRetryAttempts 200 is out of range/);
  });

  it("throws when maximumEventAgeSeconds is above a day", () => {
    expect(() => reminder({ maximumEventAgeSeconds: 90000 })).toThrow(/maximumEventAgeSeconds 90000 is out of range/);
  });
});
