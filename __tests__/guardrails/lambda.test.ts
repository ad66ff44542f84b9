import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction, type LambdaFunctionConfig } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { LambdaAsyncFailureDestination } from "../../modules/guardrails/rules/lambda/LambdaAsyncFailureDestination";
import { LambdaLogRetention } from "../../modules/guardrails/rules/lambda/LambdaLogRetention";
import { LambdaRuntimeAllowed } from "../../modules/guardrails/rules/lambda/LambdaRuntimeAllowed";
import { LambdaTracing } from "../../modules/guardrails/rules/lambda/LambdaTracing";
import { describeRules } from "./cases";
import { expectCompliant, expectNotApplicable, expectViolation } from "./support";

interface Options {
  readonly retentionDays?: number;
  readonly loggingConfig?: boolean;
  readonly tracing?: string;
  readonly runtime?: string;
  /** Who invokes the function: API Gateway (synchronous) or an EventBridge rule (asynchronous). */
  readonly invoker?: "apigateway" | "events";
  readonly failure?: "destination" | "dlq" | "none";
}

function fn(stack: TerraformStack, o: Options = {}): string {
  const logs = new CloudwatchLogGroup(stack, "logs", {
    name: "/aws/lambda/worker",
    ...(o.retentionDays === 0 ? {} : { retentionInDays: o.retentionDays ?? 30 }),
  });
  const dlq = new SqsQueue(stack, "failures", { name: "worker-failures" });
  const config: LambdaFunctionConfig = {
    functionName: "worker",
    role: "arn:aws:iam::123456789012:role/worker",
    handler: "index.handler",
    runtime: o.runtime ?? "nodejs22.x",
    s3Bucket: "artifacts",
    s3Key: "worker.zip",
    tracingConfig: { mode: o.tracing ?? "Active" },
    ...(o.loggingConfig === false ? {} : { loggingConfig: { logFormat: "JSON", logGroup: logs.name } }),
    ...(o.failure === "dlq" ? { deadLetterConfig: { targetArn: dlq.arn } } : {}),
  };
  const worker = new LambdaFunction(stack, "function", config);
  if ((o.failure ?? "destination") === "destination") {
    new LambdaFunctionEventInvokeConfig(stack, "async", {
      functionName: worker.functionName,
      destinationConfig: { onFailure: { destination: dlq.arn } },
    });
  }
  const invoker = o.invoker ?? "events";
  new LambdaPermission(stack, "invoke", {
    action: "lambda:InvokeFunction",
    functionName: worker.functionName,
    principal: invoker === "events" ? "events.amazonaws.com" : "apigateway.amazonaws.com",
    sourceArn: "arn:aws:events:ap-northeast-2:123456789012:rule/x",
  });
  if (invoker === "events") {
    new CloudwatchEventTarget(stack, "target", { rule: "x", arn: worker.arn });
  }
  return "test/function";
}

describeRules([
  {
    rule: LambdaLogRetention,
    compliant: (stack) => fn(stack),
    noncompliant: (stack) => fn(stack, { retentionDays: 0 }),
    detail: /never expires events/,
  },
  {
    rule: LambdaTracing,
    compliant: (stack) => fn(stack),
    noncompliant: (stack) => fn(stack, { tracing: "PassThrough" }),
    detail: /tracing_config\.mode is PassThrough/,
  },
  {
    rule: LambdaAsyncFailureDestination,
    compliant: (stack) => fn(stack),
    noncompliant: (stack) => fn(stack, { failure: "none" }),
    detail: /invoked asynchronously by events\.amazonaws\.com, an EventBridge rule but has neither/,
  },
  {
    rule: LambdaRuntimeAllowed,
    compliant: (stack) => fn(stack),
    noncompliant: (stack) => fn(stack, { runtime: "nodejs16.x" }),
    detail: /runtime nodejs16\.x is not allowed/,
  },
]);

describe("Lambda rule details", () => {
  it("TB-LAMBDA-1 finds the log group by its /aws/lambda/<name> name when logging_config is absent", () => {
    expectCompliant(LambdaLogRetention, (stack) => fn(stack, { loggingConfig: false }));
  });

  it("TB-LAMBDA-1 fails a function whose logs go to a group this stack does not have", () => {
    expectViolation(
      LambdaLogRetention,
      (stack) => {
        new LambdaFunction(stack, "function", {
          functionName: "orphan",
          role: "arn:aws:iam::123456789012:role/orphan",
          handler: "index.handler",
          runtime: "nodejs22.x",
          s3Bucket: "artifacts",
          s3Key: "orphan.zip",
        });
        return "test/function";
      },
      /no log group of this stack receives/,
    );
  });

  it("TB-LAMBDA-3 accepts a dead-letter queue instead of an on-failure destination", () => {
    expectCompliant(LambdaAsyncFailureDestination, (stack) => fn(stack, { failure: "dlq" }));
  });

  it("TB-LAMBDA-3 does not apply to a function only API Gateway calls (synchronously)", () => {
    expectNotApplicable(LambdaAsyncFailureDestination, (stack) => fn(stack, { invoker: "apigateway", failure: "none" }));
  });
});
