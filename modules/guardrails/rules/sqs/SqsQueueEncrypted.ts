import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue, str } from "../../private/values";

export const SqsQueueEncrypted: GuardrailRule = {
  id: "TB-SQS-1",
  name: "SqsQueueEncrypted",
  reason: "Queued messages (failed events carry task and user data) must be encrypted at rest.",
  level: "required",
  resourceTypes: ["aws_sqs_queue"],
  references: [checkov("CKV_AWS_27"), cdkNag("AwsSolutions-SQS2"), securityHub("SQS.1", false)],
  fix: "use DeadLetterQueue (modules/queue), which encrypts with a customer managed EncryptionKey",
  check(queue) {
    if (str(queue.attributes.kms_master_key_id) || isTrue(queue.attributes.sqs_managed_sse_enabled)) return pass();
    return fail("neither kms_master_key_id nor sqs_managed_sse_enabled is set");
  },
};
