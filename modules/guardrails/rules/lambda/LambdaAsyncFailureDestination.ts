import { checkov, fail, notApplicable, pass, type GuardrailRule, type SynthResource } from "../../rule";
import { ASYNC_INVOKER_PRINCIPALS } from "../../defaults";
import type { StackIndex } from "../../private/stack-index";
import { block, str } from "../../private/values";

export const LambdaAsyncFailureDestination: GuardrailRule = {
  id: "TB-LAMBDA-3",
  name: "LambdaAsyncFailureDestination",
  reason: "An asynchronously invoked function drops an event silently once its retries fail, unless a DLQ or on-failure destination keeps it.",
  level: "required",
  resourceTypes: ["aws_lambda_function"],
  references: [checkov("CKV_AWS_116"), { source: "cdk-nag", id: "Serverless-LambdaAsyncFailureDestination", confirmed: false }],
  fix: "pass onFailureDestination (preferred) or deadLetterTarget to NodejsFunction (modules/lambda); a DeadLetterQueue (modules/queue) is the usual target",
  check(fn, { index }) {
    const invokers = asyncInvokers(fn, index);
    if (invokers.length === 0) return notApplicable("no asynchronous invoker (only synchronous callers such as API Gateway)");
    if (str(block(fn.attributes.dead_letter_config)?.target_arn)) return pass();
    const onFailure = index
      .referrers(fn, "aws_lambda_function_event_invoke_config", "function_name")
      .some((c) => str(block(block(c.attributes.destination_config)?.on_failure)?.destination));
    return onFailure
      ? pass()
      : fail(`invoked asynchronously by ${invokers.join(", ")} but has neither dead_letter_config nor an on-failure destination`);
  },
};

/** Who invokes the function with event (asynchronous) invocations. */
function asyncInvokers(fn: SynthResource, index: StackIndex): string[] {
  const found = new Set<string>();
  for (const permission of index.referrers(fn, "aws_lambda_permission", "function_name")) {
    const principal = str(permission.attributes.principal) ?? "";
    if (ASYNC_INVOKER_PRINCIPALS.includes(principal)) found.add(principal);
  }
  if (index.referrers(fn, "aws_cloudwatch_event_target", "arn").length > 0) found.add("an EventBridge rule");
  if (index.referrers(fn, "aws_scheduler_schedule", "target").length > 0) found.add("an EventBridge schedule");
  if (index.referrers(fn, "aws_sns_topic_subscription", "endpoint").length > 0) found.add("an SNS subscription");
  if (index.referrers(fn, "aws_s3_bucket_notification", "lambda_function").length > 0) found.add("an S3 notification");
  return [...found];
}
