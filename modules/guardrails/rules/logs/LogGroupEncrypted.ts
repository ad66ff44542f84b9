import { checkov, fail, pass, type GuardrailRule } from "../../rule";
import { str } from "../../private/values";

export const LogGroupEncrypted: GuardrailRule = {
  id: "TB-LOGS-1",
  name: "LogGroupEncrypted",
  reason: "Logs carry request details and user identifiers; they are encrypted with the stack's logs key.",
  level: "required",
  resourceTypes: ["aws_cloudwatch_log_group"],
  references: [checkov("CKV_AWS_158")],
  fix: "use LogGroup (modules/log-group), which encrypts with EncryptionKey.forLogs(scope) by default",
  check(group) {
    return str(group.attributes.kms_key_id) ? pass() : fail("kms_key_id is not set");
  },
};
