import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { str } from "../../private/values";

export const SnsTopicEncrypted: GuardrailRule = {
  id: "TB-SNS-1",
  name: "SnsTopicEncrypted",
  reason: "Topic messages (alarms, bounce notices with addresses) must be encrypted at rest with a customer managed key.",
  level: "required",
  resourceTypes: ["aws_sns_topic"],
  references: [checkov("CKV_AWS_26"), cdkNag("AwsSolutions-SNS2"), securityHub("SNS.1", false)],
  fix: "set kms_master_key_id to an EncryptionKey (modules/kms) that allows the publishing service, as Monitoring and EmailSender do",
  check(topic) {
    const key = str(topic.attributes.kms_master_key_id);
    if (!key) return fail("kms_master_key_id is not set");
    return key === "alias/aws/sns" ? fail("the AWS managed alias/aws/sns key cannot be used by CloudWatch or SES publishers") : pass();
  },
};
