import { fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const DynamoDbDeletionProtection: GuardrailRule = {
  id: "TB-DDB-3",
  name: "DynamoDbDeletionProtection",
  reason: "Deletion protection stops a destroy or a console slip from deleting a table and its backups' source.",
  level: "prod",
  resourceTypes: ["aws_dynamodb_table"],
  references: [securityHub("DynamoDB.6", false)],
  fix: "set deletionProtection: true in config/environments.ts (TaskboardTables passes it to every table)",
  check(table) {
    return isTrue(table.attributes.deletion_protection_enabled) ? pass() : fail("deletion_protection_enabled is false");
  },
};
