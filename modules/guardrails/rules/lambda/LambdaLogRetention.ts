import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, num, str } from "../../private/values";

export const LambdaLogRetention: GuardrailRule = {
  id: "TB-LAMBDA-1",
  name: "LambdaLogRetention",
  reason: "A function's logs must go to a log group this stack owns and retains for a set time, not one Lambda creates with no expiry.",
  level: "required",
  resourceTypes: ["aws_lambda_function"],
  references: [checkov("CKV_AWS_66"), securityHub("CloudWatch.16", false)],
  fix: "use NodejsFunction (modules/lambda) with logRetentionDays; it creates the log group and points logging_config at it",
  check(fn, { index }) {
    const configured = str(block(fn.attributes.logging_config)?.log_group);
    const name = str(fn.attributes.function_name);
    const group =
      index.referencedBy(configured).find((r) => r.type === "aws_cloudwatch_log_group") ??
      index
        .resources("aws_cloudwatch_log_group")
        .find((g) => str(g.attributes.name) === (configured ?? `/aws/lambda/${name ?? ""}`));
    if (!group) return fail("no log group of this stack receives the function's logs (logging_config.log_group)");
    const days = num(group.attributes.retention_in_days) ?? 0;
    return days > 0 ? pass() : fail(`its log group ${group.path} never expires events (retention_in_days unset)`);
  },
};
