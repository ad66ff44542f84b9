import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const AuroraDeletionProtection: GuardrailRule = {
  id: "TB-RDS-5",
  name: "AuroraDeletionProtection",
  reason: "Deletion protection stops a destroy or a console slip from deleting the database.",
  level: "prod",
  resourceTypes: ["aws_rds_cluster"],
  references: [checkov("CKV_AWS_139"), cdkNag("AwsSolutions-RDS10"), securityHub("RDS.7")],
  fix: "set deletionProtection: true in config/environments.ts (AuroraPostgres sets deletion_protection from it)",
  check(cluster) {
    return isTrue(cluster.attributes.deletion_protection) ? pass() : fail("deletion_protection is not true");
  },
};
