import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const AuroraNotPublic: GuardrailRule = {
  id: "TB-RDS-2",
  name: "AuroraNotPublic",
  reason: "A database instance must never get a public address; only the service reaches it, inside the VPC.",
  level: "required",
  resourceTypes: ["aws_rds_cluster_instance", "aws_db_instance"],
  references: [checkov("CKV_AWS_17"), securityHub("RDS.2", false)],
  fix: "use AuroraPostgres (modules/aurora), which places instances in isolated subnets with publicly_accessible = false",
  check(instance) {
    return isTrue(instance.attributes.publicly_accessible) ? fail("publicly_accessible is true") : pass();
  },
};
