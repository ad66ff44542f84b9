import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Table } from "../../modules/dynamodb";
import { DynamoDbCustomerManagedKey } from "../../modules/guardrails/rules/dynamodb/DynamoDbCustomerManagedKey";
import { DynamoDbDeletionProtection } from "../../modules/guardrails/rules/dynamodb/DynamoDbDeletionProtection";
import { DynamoDbPointInTimeRecovery } from "../../modules/guardrails/rules/dynamodb/DynamoDbPointInTimeRecovery";
import { AuroraBackupRetention } from "../../modules/guardrails/rules/rds/AuroraBackupRetention";
import { AuroraDeletionProtection } from "../../modules/guardrails/rules/rds/AuroraDeletionProtection";
import { AuroraEncrypted } from "../../modules/guardrails/rules/rds/AuroraEncrypted";
import { AuroraIamAuthentication } from "../../modules/guardrails/rules/rds/AuroraIamAuthentication";
import { AuroraManagedPassword } from "../../modules/guardrails/rules/rds/AuroraManagedPassword";
import { AuroraNotPublic } from "../../modules/guardrails/rules/rds/AuroraNotPublic";
import { AuroraTlsRequired } from "../../modules/guardrails/rules/rds/AuroraTlsRequired";
import { describeRules } from "./cases";
import { expectViolation } from "./support";

/** A table from the platform's module (compliant by default). */
function moduleTable(stack: TerraformStack, deletionProtection = true): string {
  new Table(stack, "table", { purpose: "items", partitionKey: { name: "id", type: "S" }, deletionProtection });
  return "test/table/table";
}

function rawTable(stack: TerraformStack, o: { pitr?: boolean; sse?: "cmk" | "aws-managed" | "off" } = {}): string {
  new DynamodbTable(stack, "raw", {
    name: "raw",
    billingMode: "PAY_PER_REQUEST",
    hashKey: "id",
    attribute: [{ name: "id", type: "S" }],
    pointInTimeRecovery: { enabled: o.pitr ?? true },
    ...(o.sse === "off" ? {} : { serverSideEncryption: { enabled: true, ...(o.sse === "aws-managed" ? {} : { kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/k" }) } }),
  });
  return "test/raw";
}

interface ClusterOptions {
  readonly encrypted?: boolean;
  readonly password?: "managed" | "literal";
  readonly backupDays?: number;
  readonly deletionProtection?: boolean;
  readonly iamAuth?: boolean;
  readonly forceSsl?: string;
  readonly publicInstance?: boolean;
}

/** An Aurora PostgreSQL cluster like the platform's; options break one thing at a time. */
function cluster(stack: TerraformStack, o: ClusterOptions = {}): string {
  const parameters = new RdsClusterParameterGroup(stack, "parameters", {
    family: "aurora-postgresql16",
    namePrefix: "db-",
    parameter: [{ name: "rds.force_ssl", value: o.forceSsl ?? "1", applyMethod: "pending-reboot" }],
  });
  const db = new RdsCluster(stack, "cluster", {
    clusterIdentifier: "db",
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    masterUsername: "dbadmin",
    ...(o.password === "literal" ? { masterPassword: "not-a-secret-1" } : { manageMasterUserPassword: true }),
    storageEncrypted: o.encrypted ?? true,
    kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/k",
    backupRetentionPeriod: o.backupDays ?? 7,
    deletionProtection: o.deletionProtection ?? true,
    iamDatabaseAuthenticationEnabled: o.iamAuth ?? true,
    dbClusterParameterGroupName: parameters.name,
  });
  new RdsClusterInstance(stack, "instance", {
    clusterIdentifier: db.id,
    instanceClass: "db.serverless",
    engine: "aurora-postgresql",
    publiclyAccessible: o.publicInstance ?? false,
  });
  return "test/cluster";
}

describeRules([
  {
    rule: DynamoDbPointInTimeRecovery,
    compliant: (stack) => moduleTable(stack),
    noncompliant: (stack) => rawTable(stack, { pitr: false }),
    detail: /point_in_time_recovery is not enabled/,
  },
  {
    rule: DynamoDbCustomerManagedKey,
    compliant: (stack) => moduleTable(stack),
    noncompliant: (stack) => rawTable(stack, { sse: "aws-managed" }),
    detail: /AWS managed aws\/dynamodb key/,
  },
  {
    rule: DynamoDbDeletionProtection,
    compliant: (stack) => moduleTable(stack),
    noncompliant: (stack) => moduleTable(stack, false),
    detail: /deletion_protection_enabled is false/,
    environment: "prod",
  },
  { rule: AuroraEncrypted, compliant: cluster, noncompliant: (stack) => cluster(stack, { encrypted: false }), detail: /storage_encrypted is not true/ },
  {
    rule: AuroraNotPublic,
    compliant: (stack) => (cluster(stack), "test/instance"),
    noncompliant: (stack) => (cluster(stack, { publicInstance: true }), "test/instance"),
    detail: /publicly_accessible is true/,
  },
  {
    rule: AuroraManagedPassword,
    compliant: cluster,
    noncompliant: (stack) => cluster(stack, { password: "literal" }),
    detail: /master_password is set/,
  },
  {
    rule: AuroraBackupRetention,
    compliant: cluster,
    noncompliant: (stack) => cluster(stack, { backupDays: 1 }),
    detail: /backup_retention_period is 1 day/,
    environment: "prod",
  },
  {
    rule: AuroraDeletionProtection,
    compliant: cluster,
    noncompliant: (stack) => cluster(stack, { deletionProtection: false }),
    detail: /deletion_protection is not true/,
    environment: "prod",
  },
  {
    rule: AuroraIamAuthentication,
    compliant: cluster,
    noncompliant: (stack) => cluster(stack, { iamAuth: false }),
    detail: /iam_database_authentication_enabled is not true/,
  },
  {
    rule: AuroraTlsRequired,
    compliant: cluster,
    noncompliant: (stack) => cluster(stack, { forceSsl: "0" }),
    detail: /does not set rds\.force_ssl = 1/,
  },
]);

describe("data rule details", () => {
  it("TB-DDB-2 fails a table on the AWS owned key (no server_side_encryption block)", () => {
    expectViolation(DynamoDbCustomerManagedKey, (stack) => rawTable(stack, { sse: "off" }), /AWS owned key/);
  });

  it("TB-DDB-3 and TB-RDS-5 are prod-level: outside prod they fail until waived", () => {
    expectViolation(DynamoDbDeletionProtection, (stack) => moduleTable(stack, false), /false/, "dev");
    expectViolation(AuroraDeletionProtection, (stack) => cluster(stack, { deletionProtection: false }), /not true/, "dev");
  });
});
