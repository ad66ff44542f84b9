import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { MIN_PROD_BACKUP_RETENTION_DAYS } from "../../defaults";
import { num } from "../../private/values";

export const AuroraBackupRetention: GuardrailRule = {
  id: "TB-RDS-4",
  name: "AuroraBackupRetention",
  reason: `Automated backups must reach back at least ${MIN_PROD_BACKUP_RETENTION_DAYS} days, so a problem found after a weekend can still be restored.`,
  level: "prod",
  resourceTypes: ["aws_rds_cluster"],
  references: [checkov("CKV_AWS_133"), cdkNag("AwsSolutions-RDS13"), securityHub("RDS.11", false)],
  fix: `set database.backupRetentionDays to ${MIN_PROD_BACKUP_RETENTION_DAYS} or more in config/environments.ts`,
  check(cluster) {
    const days = num(cluster.attributes.backup_retention_period) ?? 1;
    return days >= MIN_PROD_BACKUP_RETENTION_DAYS ? pass() : fail(`backup_retention_period is ${days} day(s)`);
  },
};
