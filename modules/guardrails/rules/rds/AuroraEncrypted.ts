import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue, str } from "../../private/values";

export const AuroraEncrypted: GuardrailRule = {
  id: "TB-RDS-1",
  name: "AuroraEncrypted",
  reason: "Database storage, snapshots and backups must be encrypted with the platform's own key.",
  level: "required",
  resourceTypes: ["aws_rds_cluster"],
  references: [checkov("CKV_AWS_96"), cdkNag("AwsSolutions-RDS2"), securityHub("RDS.27")],
  fix: "use AuroraPostgres (modules/aurora), which sets storage_encrypted with its own EncryptionKey",
  check(cluster) {
    if (!isTrue(cluster.attributes.storage_encrypted)) return fail("storage_encrypted is not true");
    return str(cluster.attributes.kms_key_id) ? pass() : fail("storage uses the AWS managed aws/rds key (no kms_key_id)");
  },
};
