import { fail, pass, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const AuroraManagedPassword: GuardrailRule = {
  id: "TB-RDS-3",
  name: "AuroraManagedPassword",
  reason: "The master password must be generated and kept by RDS in Secrets Manager, so it never appears in code, plans or Terraform state.",
  level: "required",
  resourceTypes: ["aws_rds_cluster"],
  references: [],
  fix: "use AuroraPostgres (modules/aurora), which sets manage_master_user_password and never a master_password",
  check(cluster) {
    if (cluster.attributes.master_password !== undefined) return fail("master_password is set, so the password is in Terraform state");
    return isTrue(cluster.attributes.manage_master_user_password) ? pass() : fail("manage_master_user_password is not true");
  },
};
