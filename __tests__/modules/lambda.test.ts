import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformOutput, type TerraformStack } from "cdktf";
import { SecureBucket } from "../../modules/bucket";
import { NodejsFunction, type NodejsFunctionProps } from "../../modules/lambda";
import { LAMBDA_BUILD_DIR, bundleHandler } from "../../modules/lambda/private/bundle";
import { TEST_ACCOUNT, synth, testStack } from "../support/synth";

const ENTRY = "__tests__/fixtures/lambda/hello/index.ts";
const QUEUE_ARN = `arn:aws:sqs:ap-northeast-2:${TEST_ACCOUNT}:taskboard-test-dlq`;
const TOPIC_ARN = `arn:aws:sns:ap-northeast-2:${TEST_ACCOUNT}:taskboard-test-failures`;

function tasksApi(stack: TerraformStack, props: Partial<NodejsFunctionProps> = {}): NodejsFunction {
  return new NodejsFunction(stack, "tasks-api", { purpose: "tasks-api", entry: ENTRY, logRetentionDays: 30, ...props });
}

/** The one resource of a type whose logical id starts with the construct path (joined with `_`). */
function resourceAt(out: ReturnType<typeof synth>, type: string, path: string): Record<string, unknown> {
  const prefix = `${path.replaceAll("/", "_")}_`;
  const matches = Object.entries(out.resources(type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) throw new Error(`expected one ${type} under ${path}, found ${matches.length}`);
  return matches[0]![1];
}

function logicalId(out: ReturnType<typeof synth>, type: string, path: string): string {
  const prefix = `${path.replaceAll("/", "_")}_`;
  const id = Object.keys(out.resources(type)).find((candidate) => candidate.startsWith(prefix));
  if (!id) throw new Error(`no ${type} under ${path}`);
  return id;
}

describe("NodejsFunction", () => {
  it("runs Node.js 22 on arm64 with active tracing, logging JSON to its own encrypted log group", () => {
    const stack = testStack();
    tasksApi(stack);
    const out = synth(stack);
    const fn = out.resource("aws_lambda_function");
    const logGroupId = logicalId(out, "aws_cloudwatch_log_group", "tasks-api/log-group");
    expect(fn).toMatchObject({
      function_name: "taskboard-test-tasks-api",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      tracing_config: { mode: "Active" },
      logging_config: {
        log_format: "JSON",
        log_group: `\${aws_cloudwatch_log_group.${logGroupId}.name}`,
        application_log_level: "INFO",
        system_log_level: "WARN",
      },
    });
    expect(out.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/lambda/taskboard-test-tasks-api",
      retention_in_days: 30,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs-key_.*\.arn\}$/),
    });
  });

  it("defaults to 256 MiB, 10 s, no reserved concurrency, no variables and no async settings", () => {
    const stack = testStack();
    tasksApi(stack);
    const out = synth(stack);
    const fn = out.resource("aws_lambda_function");
    expect(fn).toMatchObject({ memory_size: 256, timeout: 10 });
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    expect(fn).not.toHaveProperty("environment");
    expect(fn).not.toHaveProperty("dead_letter_config");
    expect(out.resources("aws_lambda_function_event_invoke_config")).toEqual({});
  });

  it("passes memory, timeout, reserved concurrency and environment through", () => {
    const stack = testStack();
    tasksApi(stack, { memoryMiB: 1024, timeoutSeconds: 60, reservedConcurrency: 5, environment: { TASKS_TABLE_NAME: "tasks" } });
    expect(synth(stack).resource("aws_lambda_function")).toMatchObject({
      memory_size: 1024,
      timeout: 60,
      reserved_concurrent_executions: 5,
      environment: { variables: { TASKS_TABLE_NAME: "tasks" } },
    });
  });

  it("starts its role with exactly log writing on its own log group and X-Ray tracing", () => {
    const stack = testStack();
    tasksApi(stack);
    const out = synth(stack);
    const logGroupId = logicalId(out, "aws_cloudwatch_log_group", "tasks-api/log-group");
    const statements = out.policyStatements("tasks-api/role/grant-");
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: "WriteOwnLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`],
        },
        {
          sid: "WriteTraces",
          effect: "Allow",
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        },
      ]),
    );
    expect(Object.keys(out.resources("aws_iam_role_policy"))).toHaveLength(2);
    expect(out.resources("aws_iam_role_policy_attachment")).toEqual({});
    expect(out.policyStatements("tasks-api/role/trust")).toEqual([
      expect.objectContaining({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] }],
      }),
    ]);
    // The function waits for its permissions, so its first invocation can log and trace.
    expect(out.resource("aws_lambda_function").depends_on).toEqual([
      `aws_iam_role_policy.${logicalId(out, "aws_iam_role_policy", "tasks-api/role/policy-WriteOwnLogs")}`,
      `aws_iam_role_policy.${logicalId(out, "aws_iam_role_policy", "tasks-api/role/policy-WriteTraces")}`,
    ]);
    expect(out.resource("aws_lambda_function").role).toBe(
      `\${aws_iam_role.${logicalId(out, "aws_iam_role", "tasks-api/role")}.arn}`,
    );
  });

  it("exposes its role as a grantee for other modules' grants", () => {
    const stack = testStack();
    const fn = tasksApi(stack);
    const data = new SecureBucket(stack, "data", { purpose: "data" });
    data.grantRead(fn.role, "ReadData");
    const sids = synth(stack).policyStatements("tasks-api/role/grant-").map((s) => s.sid);
    expect(sids.sort()).toEqual(["ReadData", "ReadDataKey", "WriteOwnLogs", "WriteTraces"]);
  });

  it("deploys the zip it built from a content-addressed object, with its sha256 as source_code_hash", () => {
    const stack = testStack();
    const fn = tasksApi(stack);
    const out = synth(stack);
    const built = readFileSync(join(LAMBDA_BUILD_DIR, `${bundleHandler({ entry: ENTRY }).sha256Hex}.zip`));
    const sha256Hex = createHash("sha256").update(built).digest("hex");
    const sha256Base64 = createHash("sha256").update(built).digest("base64");

    const objectId = logicalId(out, "aws_s3_object", "tasks-api/artifact");
    const object = out.resource("aws_s3_object");
    expect(object).toMatchObject({
      key: `lambda/tasks-api/${sha256Hex}.zip`,
      source: expect.stringMatching(new RegExp(`^assets/tasks-api_code_[A-Z0-9]+/${sha256Hex}/${sha256Hex}\\.zip$`)),
      source_hash: sha256Hex,
      checksum_algorithm: "SHA256",
      content_type: "application/zip",
      server_side_encryption: "aws:kms",
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.lambda-artifacts_key_.*\.arn\}$/),
      bucket_key_enabled: true,
    });
    expect(object).not.toHaveProperty("etag");

    const lambda = out.resource("aws_lambda_function");
    expect(lambda).toMatchObject({
      s3_bucket: `\${aws_s3_object.${objectId}.bucket}`,
      s3_key: `\${aws_s3_object.${objectId}.key}`,
      s3_object_version: `\${aws_s3_object.${objectId}.version_id}`,
      source_code_hash: sha256Base64,
    });
    expect(String(lambda.s3_key)).not.toBe("");
    expect(fn.artifactKey).toContain(sha256Hex);
    expect(fn.codeSha256Base64).toBe(sha256Base64);
    // Plan reads the file it will upload and refuses bytes other than these.
    expect((lambda.lifecycle as { precondition: { condition: string }[] }).precondition).toEqual([
      expect.objectContaining({
        condition: `\${(filebase64sha256(aws_s3_object.${objectId}.source) == "${sha256Base64}")}`,
      }),
    ]);
  });

  it("shares one versioned, KMS-encrypted artifacts bucket among the functions of a stack", () => {
    const stack = testStack();
    const api = tasksApi(stack);
    const reminders = new NodejsFunction(stack, "reminders", { purpose: "reminders", entry: ENTRY, logRetentionDays: 30 });
    const out = synth(stack);
    expect(api.artifactsBucket).toBe(reminders.artifactsBucket);
    expect(Object.keys(out.resources("aws_s3_bucket"))).toHaveLength(1);
    const bucketId = logicalId(out, "aws_s3_bucket", "lambda-artifacts/bucket");
    const objects = Object.values(out.resources("aws_s3_object"));
    expect(objects.map((o) => o.bucket)).toEqual([`\${aws_s3_bucket.${bucketId}.bucket}`, `\${aws_s3_bucket.${bucketId}.bucket}`]);
    expect(objects.map((o) => o.key).sort()).toEqual([
      expect.stringMatching(/^lambda\/reminders\/[0-9a-f]{64}\.zip$/),
      expect.stringMatching(/^lambda\/tasks-api\/[0-9a-f]{64}\.zip$/),
    ]);
    expect(out.resource("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    const rule = (out.resource("aws_s3_bucket_server_side_encryption_configuration").rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } });
    expect(out.resource("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
  });

  it("uses an artifacts bucket passed in props instead of creating one", () => {
    const stack = testStack();
    const bucket = new SecureBucket(stack, "builds", { purpose: "builds" });
    tasksApi(stack, { artifactsBucket: bucket });
    const out = synth(stack);
    expect(Object.keys(out.resources("aws_s3_bucket"))).toEqual([logicalId(out, "aws_s3_bucket", "builds/bucket")]);
  });

  it("sends failed async events to an SQS dead-letter queue it may write to, and waits for that permission", () => {
    const stack = testStack();
    const queue = new SqsQueue(stack, "dlq", { name: "taskboard-test-dlq" });
    tasksApi(stack, { deadLetterTarget: { type: "sqs", arn: queue.arn } });
    const out = synth(stack);
    const lambda = out.resource("aws_lambda_function");
    expect(lambda.dead_letter_config).toEqual({ target_arn: "${aws_sqs_queue.dlq.arn}" });
    expect(out.policyStatements("tasks-api/role/grant-SendToDeadLetterTarget")).toEqual([
      { sid: "SendToDeadLetterTarget", effect: "Allow", actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.dlq.arn}"] },
    ]);
    expect(lambda.depends_on).toContain(
      `aws_iam_role_policy.${logicalId(out, "aws_iam_role_policy", "tasks-api/role/policy-SendToDeadLetterTarget")}`,
    );
    expect(out.resources("aws_lambda_function_event_invoke_config")).toEqual({});
  });

  it.each([
    ["sqs", QUEUE_ARN, "sqs:SendMessage"],
    ["sns", TOPIC_ARN, "sns:Publish"],
    ["lambda", `arn:aws:lambda:ap-northeast-2:${TEST_ACCOUNT}:function:taskboard-test-failures`, "lambda:InvokeFunction"],
    ["events", `arn:aws:events:ap-northeast-2:${TEST_ACCOUNT}:event-bus/taskboard-test`, "events:PutEvents"],
  ] as const)("sends async failures to an %s destination with only the permission to reach it", (type, arn, action) => {
    const stack = testStack();
    tasksApi(stack, { onFailureDestination: { type, arn }, asyncRetryAttempts: 1, asyncMaxEventAgeSeconds: 3600 });
    const out = synth(stack);
    const functionId = logicalId(out, "aws_lambda_function", "tasks-api/function");
    expect(out.resource("aws_lambda_function_event_invoke_config")).toMatchObject({
      function_name: `\${aws_lambda_function.${functionId}.function_name}`,
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: arn } },
    });
    expect(out.policyStatements("tasks-api/role/grant-SendToFailureDestination")).toEqual([
      { sid: "SendToFailureDestination", effect: "Allow", actions: [action], resources: [arn] },
    ]);
    expect(out.resource("aws_lambda_function")).not.toHaveProperty("dead_letter_config");
  });

  it("states Lambda's async defaults when only one async setting is given", () => {
    const stack = testStack();
    tasksApi(stack, { asyncRetryAttempts: 0 });
    expect(synth(stack).resource("aws_lambda_function_event_invoke_config")).toMatchObject({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 21600,
    });
  });

  it("lets a service invoke it only from the given source ARN", () => {
    const stack = testStack();
    const fn = tasksApi(stack);
    const sourceArn = `arn:aws:execute-api:ap-northeast-2:${TEST_ACCOUNT}:abc123/*/*`;
    fn.grantInvoke("apigateway.amazonaws.com", sourceArn, "ApiGateway");
    const out = synth(stack);
    const functionId = logicalId(out, "aws_lambda_function", "tasks-api/function");
    expect(resourceAt(out, "aws_lambda_permission", "tasks-api/invoke-ApiGateway")).toMatchObject({
      statement_id: "ApiGateway",
      action: "lambda:InvokeFunction",
      function_name: `\${aws_lambda_function.${functionId}.function_name}`,
      principal: "apigateway.amazonaws.com",
      source_arn: sourceArn,
    });
  });

  it("exposes its attributes as references to the function, role and log group", () => {
    const stack = testStack();
    const fn = tasksApi(stack);
    const outputs = {
      functionName: fn.functionName,
      functionArn: fn.functionArn,
      invokeArn: fn.invokeArn,
      roleArn: fn.role.roleArn,
      logGroupName: fn.logGroup.logGroupName,
      codeSha256Base64: fn.codeSha256Base64,
      artifactKey: fn.artifactKey,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(stack, name, { value });
    const out = synth(stack);
    const functionId = logicalId(out, "aws_lambda_function", "tasks-api/function");
    const { sha256Hex, sha256Base64 } = bundleHandler({ entry: ENTRY });
    expect(Object.fromEntries(Object.entries(out.json.output ?? {}).map(([name, output]) => [name, output.value]))).toEqual({
      functionName: `\${aws_lambda_function.${functionId}.function_name}`,
      functionArn: `\${aws_lambda_function.${functionId}.arn}`,
      invokeArn: `\${aws_lambda_function.${functionId}.invoke_arn}`,
      roleArn: `\${aws_iam_role.${logicalId(out, "aws_iam_role", "tasks-api/role")}.arn}`,
      logGroupName: `\${aws_cloudwatch_log_group.${logicalId(out, "aws_cloudwatch_log_group", "tasks-api/log-group")}.name}`,
      codeSha256Base64: sha256Base64,
      artifactKey: `lambda/tasks-api/${sha256Hex}.zip`,
    });
  });

  describe("validation", () => {
    const invalid: [string, Partial<NodejsFunctionProps>, RegExp][] = [
      ["purpose is not lower-case kebab", { purpose: "Tasks API" }, /purpose "Tasks API" must be lower-case letters, digits and "-"/],
      ["memoryMiB is below 128", { memoryMiB: 64 }, /memoryMiB 64 is out of range; use a whole number from 128 to 10240/],
      ["memoryMiB is above 10240", { memoryMiB: 10_241 }, /memoryMiB 10241 is out of range/],
      ["memoryMiB is fractional", { memoryMiB: 256.5 }, /memoryMiB 256.5 is out of range/],
      ["timeoutSeconds is 0", { timeoutSeconds: 0 }, /timeoutSeconds 0 is out of range; use a whole number from 1 to 900/],
      ["timeoutSeconds is above 900", { timeoutSeconds: 901 }, /timeoutSeconds 901 is out of range/],
      ["reservedConcurrency is negative", { reservedConcurrency: -1 }, /reservedConcurrency -1 must be a whole number, at least 0/],
      ["asyncRetryAttempts is above 2", { asyncRetryAttempts: 3 }, /asyncRetryAttempts 3 is out of range; use a whole number from 0 to 2/],
      ["asyncMaxEventAgeSeconds is below 60", { asyncMaxEventAgeSeconds: 59 }, /asyncMaxEventAgeSeconds 59 is out of range; use a whole number from 60 to 21600/],
      ["an environment variable name is invalid", { environment: { "TASKS-TABLE": "x" } }, /environment variable name "TASKS-TABLE" is not valid/],
      ["an environment variable name is one letter", { environment: { X: "x" } }, /environment variable name "X" is not valid/],
      ["an environment variable is reserved", { environment: { AWS_REGION: "us-east-1" } }, /environment variable "AWS_REGION" is reserved by the Lambda runtime/],
      [
        "a dead-letter target's ARN is of another service",
        { deadLetterTarget: { type: "sqs", arn: TOPIC_ARN } },
        /deadLetterTarget has type "sqs" but its ARN .* is an sns ARN; make type and ARN agree/,
      ],
      [
        "a failure destination's ARN is not an ARN",
        { onFailureDestination: { type: "sns", arn: "taskboard-test-failures" } },
        /onFailureDestination has type "sns" but its ARN "taskboard-test-failures" is not an ARN/,
      ],
      ["logRetentionDays is not a CloudWatch value", { logRetentionDays: 10 }, /retentionDays 10 is not a CloudWatch Logs retention/],
    ];
    it.each(invalid)("throws when %s", (_, props, message) => {
      expect(() => tasksApi(testStack(), props)).toThrow(message);
    });

    it("throws when both a dead-letter target and a failure destination are set, before other checks", () => {
      expect(() =>
        tasksApi(testStack(), {
          memoryMiB: 1,
          deadLetterTarget: { type: "sqs", arn: QUEUE_ARN },
          onFailureDestination: { type: "sns", arn: TOPIC_ARN },
        }),
      ).toThrow(/^test\/tasks-api: deadLetterTarget and onFailureDestination are both set; use one/);
    });

    it("throws when the entry does not export handler", () => {
      expect(() => tasksApi(testStack(), { entry: "__tests__/fixtures/lambda/no-handler.ts" })).toThrow(/does not export "handler"/);
    });

    it("throws when grantInvoke names something other than a service principal", () => {
      const fn = tasksApi(testStack());
      expect(() => fn.grantInvoke("*", "arn:aws:events:ap-northeast-2:123456789012:rule/x", "Any")).toThrow(
        /grantInvoke principal "\*" is not a service principal/,
      );
    });

    it("throws when grantInvoke has no source ARN", () => {
      const fn = tasksApi(testStack());
      expect(() => fn.grantInvoke("events.amazonaws.com", " ", "Events")).toThrow(/needs a source ARN; an unscoped invoke permission is not allowed/);
    });

    it("throws when grantInvoke's sid is not a valid statement id", () => {
      const fn = tasksApi(testStack());
      expect(() => fn.grantInvoke("events.amazonaws.com", "arn:aws:events:ap-northeast-2:123456789012:rule/x", "a sid")).toThrow(
        /grantInvoke sid "a sid" must be 1-100 letters, digits/,
      );
    });

    it("throws when grantInvoke reuses a sid", () => {
      const fn = tasksApi(testStack());
      fn.grantInvoke("events.amazonaws.com", "arn:aws:events:ap-northeast-2:123456789012:rule/a", "Events");
      expect(() => fn.grantInvoke("events.amazonaws.com", "arn:aws:events:ap-northeast-2:123456789012:rule/b", "Events")).toThrow(
        /an invoke grant named "Events" already exists/,
      );
    });
  });
});
