import { checkov, fail, pass, type GuardrailRule } from "../../rule";
import { block, isTrue, str } from "../../private/values";

export const DynamoDbCustomerManagedKey: GuardrailRule = {
  id: "TB-DDB-2",
  name: "DynamoDbCustomerManagedKey",
  reason: "Tables hold users and task history; a customer managed key puts every read of them under the key policy and CloudTrail.",
  level: "required",
  resourceTypes: ["aws_dynamodb_table"],
  references: [checkov("CKV_AWS_119")],
  fix: "use DynamoTable (modules/dynamodb), which encrypts with its own (or a given) EncryptionKey",
  check(table) {
    const sse = block(table.attributes.server_side_encryption);
    if (!isTrue(sse?.enabled)) return fail("server_side_encryption is not enabled, so the table uses an AWS owned key");
    return str(sse?.kms_key_arn) ? pass() : fail("server_side_encryption uses the AWS managed aws/dynamodb key (no kms_key_arn)");
  },
};
