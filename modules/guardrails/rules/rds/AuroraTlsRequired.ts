import { fail, pass, type GuardrailRule } from "../../rule";
import { blocks, str } from "../../private/values";

export const AuroraTlsRequired: GuardrailRule = {
  id: "TB-RDS-7",
  name: "AuroraTlsRequired",
  reason: "The database must refuse unencrypted connections (rds.force_ssl = 1), whatever a client asks for.",
  level: "required",
  resourceTypes: ["aws_rds_cluster"],
  references: [],
  fix: "use AuroraPostgres (modules/aurora), whose cluster parameter group sets rds.force_ssl = 1",
  check(cluster, { index }) {
    if (!str(cluster.attributes.engine)?.includes("postgresql")) return fail("the engine is not Aurora PostgreSQL, the only one this rule knows how to check");
    const group = index
      .referencedBy(cluster.attributes.db_cluster_parameter_group_name)
      .find((r) => r.type === "aws_rds_cluster_parameter_group");
    if (!group) return fail("the cluster uses the default parameter group, where rds.force_ssl is 0");
    const forced = blocks(group.attributes.parameter).some((p) => str(p.name) === "rds.force_ssl" && String(p.value) === "1");
    return forced ? pass() : fail(`${group.path} does not set rds.force_ssl = 1`);
  },
};
