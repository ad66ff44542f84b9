import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, isTrue } from "../../private/values";

export const DynamoDbPointInTimeRecovery: GuardrailRule = {
  id: "TB-DDB-1",
  name: "DynamoDbPointInTimeRecovery",
  reason: "Point-in-time recovery restores a table to any second of the last 35 days after a bad write or delete.",
  level: "required",
  resourceTypes: ["aws_dynamodb_table"],
  references: [checkov("CKV_AWS_28"), cdkNag("AwsSolutions-DDB3"), securityHub("DynamoDB.2")],
  fix: "use DynamoTable (modules/dynamodb), which enables point_in_time_recovery",
  check(table) {
    return isTrue(block(table.attributes.point_in_time_recovery)?.enabled) ? pass() : fail("point_in_time_recovery is not enabled");
  },
};
