import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const AuroraIamAuthentication: GuardrailRule = {
  id: "TB-RDS-6",
  name: "AuroraIamAuthentication",
  reason: "IAM database authentication lets roles connect with short-lived tokens instead of shared passwords.",
  level: "required",
  resourceTypes: ["aws_rds_cluster"],
  references: [checkov("CKV_AWS_162"), checkov("CKV_AWS_128"), cdkNag("AwsSolutions-RDS6"), securityHub("RDS.12", false)],
  fix: "use AuroraPostgres (modules/aurora), which enables iam_database_authentication_enabled",
  check(cluster) {
    return isTrue(cluster.attributes.iam_database_authentication_enabled) ? pass() : fail("iam_database_authentication_enabled is not true");
  },
};
