import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, str } from "../../private/values";

export const LambdaTracing: GuardrailRule = {
  id: "TB-LAMBDA-2",
  name: "LambdaTracing",
  reason: "Active X-Ray tracing shows where a request spent its time and which downstream call failed.",
  level: "required",
  resourceTypes: ["aws_lambda_function"],
  references: [checkov("CKV_AWS_50"), securityHub("Lambda.7", false)],
  fix: "use NodejsFunction (modules/lambda), which sets tracing_config.mode = Active and grants the role xray:PutTraceSegments",
  check(fn) {
    const mode = str(block(fn.attributes.tracing_config)?.mode);
    return mode === "Active" ? pass() : fail(`tracing_config.mode is ${mode ?? "unset (PassThrough)"}`);
  },
};
