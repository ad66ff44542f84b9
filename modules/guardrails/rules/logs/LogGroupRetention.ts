import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { num } from "../../private/values";

export const LogGroupRetention: GuardrailRule = {
  id: "TB-LOGS-2",
  name: "LogGroupRetention",
  reason: "Every log group expires events after a decided retention: kept as long as needed, and no longer (cost, personal data).",
  level: "required",
  resourceTypes: ["aws_cloudwatch_log_group"],
  references: [checkov("CKV_AWS_66"), securityHub("CloudWatch.16", false)],
  fix: "use LogGroup (modules/log-group) with retentionDays (the environment's logRetentionDays)",
  check(group) {
    const days = num(group.attributes.retention_in_days) ?? 0;
    return days > 0 ? pass() : fail("retention_in_days is unset, so events never expire");
  },
};
