import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { AuroraPostgres, type AuroraPostgresProps } from "../../modules/aurora";
import { EncryptionKey } from "../../modules/kms";
import { ServiceRole } from "../../modules/iam-role";
import { SecurityGroup } from "../../modules/security-group";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack } from "../support/synth";

const BASE: AuroraPostgresProps = {
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  engineVersion: "16.6",
  minCapacityAcu: 0.5,
  maxCapacityAcu: 4,
  instances: 2,
  backupRetentionDays: 7,
  deletionProtection: true,
  logRetentionDays: 30,
};

function database(overrides: Partial<AuroraPostgresProps> = {}, stack: TerraformStack = testStack()) {
  const db = new AuroraPostgres(stack, "db", { ...BASE, ...overrides });
  return { stack, db };
}

/** Every key anywhere in a JSON value, so a forbidden attribute cannot hide in a nested block. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allKeys(inner)]);
  }
  return [];
}

describe("AuroraPostgres", () => {
  it("runs Aurora PostgreSQL Serverless v2 with the given version and capacity range", () => {
    const { stack } = database();
    const cluster = synth(stack).resource("aws_rds_cluster");
    expect(cluster).toMatchObject({
      cluster_identifier: "taskboard-test-db",
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      engine_version: "16.6",
      serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 4 },
      database_name: "taskboard",
      port: 5432,
      apply_immediately: false,
      allow_major_version_upgrade: false,
    });
  });

  it("encrypts storage, the master secret and Performance Insights with its own rotating customer managed key", () => {
    const { stack } = database();
    const out = synth(stack);
    const keys = out.resources("aws_kms_key");
    const dbKeyId = Object.keys(keys).find((id) => id.startsWith("db_key"));
    expect(dbKeyId).toBeDefined();
    expect(keys[dbKeyId ?? ""]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const keyArn = `\${aws_kms_key.${dbKeyId}.arn}`;
    expect(out.resource("aws_rds_cluster")).toMatchObject({
      storage_encrypted: true,
      kms_key_id: keyArn,
      master_user_secret_kms_key_id: keyArn,
    });
    for (const instance of Object.values(out.resources("aws_rds_cluster_instance"))) {
      expect(instance).toMatchObject({
        performance_insights_enabled: true,
        performance_insights_kms_key_id: keyArn,
        performance_insights_retention_period: 7,
      });
    }
  });

  it("uses a given key instead of creating one", () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, "shared-key", { purpose: "data" });
    new AuroraPostgres(stack, "db", { ...BASE, encryptionKey: key });
    const out = synth(stack);
    expect(Object.keys(out.resources("aws_kms_key")).filter((id) => id.startsWith("db_"))).toEqual([]);
    expect(out.resource("aws_rds_cluster").kms_key_id).toMatch(/^\$\{aws_kms_key\.shared-key_[0-9A-F]+\.arn\}$/);
  });

  it("keeps every instance private, on db.serverless, with minor upgrades and TLS certificates from the RSA 2048 CA", () => {
    const { stack } = database({ instances: 3 });
    const instances = Object.values(synth(stack).resources("aws_rds_cluster_instance"));
    expect(instances).toHaveLength(3);
    expect(instances.map((i) => i.identifier)).toEqual(["taskboard-test-db-1", "taskboard-test-db-2", "taskboard-test-db-3"]);
    for (const instance of instances) {
      expect(instance).toMatchObject({
        instance_class: "db.serverless",
        publicly_accessible: false,
        auto_minor_version_upgrade: true,
        apply_immediately: false,
        ca_cert_identifier: "rds-ca-rsa2048-g1",
        cluster_identifier: expect.stringContaining("aws_rds_cluster.db_cluster"),
      });
    }
  });

  it("lets RDS manage the master password in Secrets Manager: no password anywhere in the configuration", () => {
    const { stack } = database();
    const out = synth(stack);
    expect(out.resource("aws_rds_cluster")).toMatchObject({ manage_master_user_password: true, master_username: "dbadmin" });
    const keys = allKeys(out.json);
    expect(keys).not.toContain("master_password");
    expect(keys).not.toContain("master_password_wo");
    expect(JSON.stringify(out.json)).not.toMatch(/"master_password/);
    expect(out.resources("aws_secretsmanager_secret")).toEqual({});
  });

  it("turns IAM database authentication on", () => {
    const { stack } = database();
    expect(synth(stack).resource("aws_rds_cluster").iam_database_authentication_enabled).toBe(true);
  });

  it("forces TLS and logs connections, DDL and slow statements through its cluster parameter group", () => {
    const { stack } = database();
    const out = synth(stack);
    const group = out.resource("aws_rds_cluster_parameter_group");
    expect(group).toMatchObject({ family: "aurora-postgresql16", lifecycle: { create_before_destroy: true } });
    const parameters = Object.fromEntries(
      (group.parameter as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(parameters).toMatchObject({
      "rds.force_ssl": "1",
      log_connections: "1",
      log_disconnections: "1",
      log_min_duration_statement: "1000",
      log_statement: "ddl",
    });
    expect(out.resource("aws_rds_cluster").db_cluster_parameter_group_name).toMatch(
      /^\$\{aws_rds_cluster_parameter_group\.db_parameter-group_[0-9A-F]+\.name\}$/,
    );
  });

  it("derives the parameter group family from the major version", () => {
    const { stack } = database({ engineVersion: "15.4" });
    expect(synth(stack).resource("aws_rds_cluster_parameter_group").family).toBe("aurora-postgresql15");
  });

  it("places the cluster in a subnet group of the given subnets", () => {
    const { stack } = database({ subnetIds: ["subnet-a", "subnet-b", "subnet-c"] });
    const out = synth(stack);
    expect(out.resource("aws_db_subnet_group")).toMatchObject({
      name: "taskboard-test-db",
      subnet_ids: ["subnet-a", "subnet-b", "subnet-c"],
    });
    expect(out.resource("aws_rds_cluster").db_subnet_group_name).toContain("aws_db_subnet_group.db_subnet-group");
  });

  it("follows the backup, deletion protection and final snapshot props", () => {
    const { stack } = database({ backupRetentionDays: 35, deletionProtection: true });
    const cluster = synth(stack).resource("aws_rds_cluster");
    expect(cluster).toMatchObject({
      backup_retention_period: 35,
      preferred_backup_window: "17:00-17:30",
      preferred_maintenance_window: "sun:18:00-sun:19:00",
      copy_tags_to_snapshot: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      lifecycle: { ignore_changes: ["final_snapshot_identifier"] },
    });
    // Unique per cluster creation, so destroying a re-created cluster cannot collide with an older final snapshot.
    expect(cluster.final_snapshot_identifier).toBe('taskboard-test-db-final-${formatdate("YYYYMMDDhhmmss", timestamp())}');
  });

  it("skips the final snapshot and deletion protection when told to", () => {
    const { stack } = database({ backupRetentionDays: 1, deletionProtection: false, finalSnapshot: false });
    expect(synth(stack).resource("aws_rds_cluster")).toMatchObject({
      backup_retention_period: 1,
      deletion_protection: false,
      skip_final_snapshot: true,
    });
  });

  it("creates the postgresql log export group itself, with retention and KMS, before the cluster", () => {
    const { stack } = database({ logRetentionDays: 90 });
    const out = synth(stack);
    const [logGroupId, logGroup] = Object.entries(out.resources("aws_cloudwatch_log_group"))[0] ?? [];
    expect(logGroup).toMatchObject({
      name: "/aws/rds/cluster/taskboard-test-db/postgresql",
      retention_in_days: 90,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs-key_[0-9A-F]+\.arn\}$/),
    });
    const cluster = out.resource("aws_rds_cluster");
    expect(cluster.enabled_cloudwatch_logs_exports).toEqual(["postgresql"]);
    expect(cluster.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroupId}`]);
  });

  it("has its own security group that admits nothing until allowFrom", () => {
    const { stack, db } = database();
    const out = synth(stack);
    const [groupId] = Object.keys(out.resources("aws_security_group"));
    expect(out.resource("aws_rds_cluster").vpc_security_group_ids).toEqual([`\${aws_security_group.${groupId}.id}`]);
    expect(db.securityGroup).toBeInstanceOf(SecurityGroup);
    const group = out.resource("aws_security_group");
    expect(group).not.toHaveProperty("ingress");
    expect(group).not.toHaveProperty("egress");
    expect(out.resources("aws_vpc_security_group_ingress_rule")).toEqual({});
    expect(out.resources("aws_vpc_security_group_egress_rule")).toEqual({});
  });

  it("allowFrom opens exactly one ingress on the database port from the peer", () => {
    const stack = testStack();
    const { db } = database({}, stack);
    const api = new SecurityGroup(stack, "api", { vpcId: "vpc-1", purpose: "api", description: "api" });
    db.allowFrom(api, "API to database");
    const out = synth(stack);
    const ingress = Object.values(out.resources("aws_vpc_security_group_ingress_rule"));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
      description: "API to database",
      security_group_id: expect.stringContaining("aws_security_group.db_security-group_"),
      referenced_security_group_id: expect.stringContaining("aws_security_group.api_group"),
    });
    expect(out.resource("aws_vpc_security_group_egress_rule")).toMatchObject({
      from_port: 5432,
      security_group_id: expect.stringContaining("aws_security_group.api_group"),
    });
  });

  it("allowFrom follows a custom port", () => {
    const stack = testStack();
    const { db } = database({ port: 6543 }, stack);
    db.allowFrom(new SecurityGroup(stack, "api", { vpcId: "vpc-1", purpose: "api", description: "api" }), "API");
    const out = synth(stack);
    expect(out.resource("aws_rds_cluster").port).toBe(6543);
    expect(out.resource("aws_vpc_security_group_ingress_rule")).toMatchObject({ from_port: 6543, to_port: 6543 });
  });

  it("grantConnect allows rds-db:connect as one database user of this cluster only", () => {
    const stack = testStack();
    const { db } = database({}, stack);
    const role = new ServiceRole(stack, "api", { purpose: "api", assumedBy: ["ecs-tasks.amazonaws.com"] });
    db.grantConnect(role, "DbConnect", "taskboard_app");
    const statements = synth(stack).policyStatements("api/grant-");
    expect(statements).toEqual([
      {
        sid: "DbConnect",
        effect: "Allow",
        actions: ["rds-db:connect"],
        resources: [
          expect.stringMatching(
            new RegExp(
              `^arn:aws:rds-db:${TEST_REGION}:${TEST_ACCOUNT}:dbuser:\\$\\{aws_rds_cluster\\.db_cluster_[0-9A-F]+\\.cluster_resource_id\\}/taskboard_app$`,
            ),
          ),
        ],
      },
    ]);
  });

  it("grantReadMasterSecret allows reading the master secret only, and decrypting only through Secrets Manager", () => {
    const stack = testStack();
    const { db } = database({}, stack);
    const role = new ServiceRole(stack, "migrator", { purpose: "migrator", assumedBy: ["ecs-tasks.amazonaws.com"] });
    db.grantReadMasterSecret(role, "DbMasterSecret");
    const statements = synth(stack).policyStatements("migrator/grant-");
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: "DbMasterSecret",
          effect: "Allow",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          resources: [expect.stringMatching(/^\$\{aws_rds_cluster\.db_cluster_[0-9A-F]+\.master_user_secret\[0\]\.secret_arn\}$/)],
        },
        {
          sid: "DbMasterSecretKey",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:DescribeKey"],
          resources: [expect.stringMatching(/^\$\{aws_kms_key\.db_key_[0-9A-F]+\.arn\}$/)],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${TEST_REGION}.amazonaws.com`] }],
        },
      ]),
    );
  });

  it("exposes typed attributes that reference the cluster", () => {
    const { db } = database();
    expect(db.port).toBe(5432);
    expect(db.databaseName).toBe("taskboard");
    for (const attribute of [db.clusterIdentifier, db.clusterArn, db.clusterResourceId, db.endpoint, db.readerEndpoint, db.masterUserSecretArn]) {
      expect(attribute).toMatch(/TfToken/);
    }
    expect(db.instances).toHaveLength(2);
  });

  it("has no Enhanced Monitoring role by default", () => {
    const { stack } = database();
    const out = synth(stack);
    expect(out.resources("aws_iam_role")).toEqual({});
    for (const instance of Object.values(out.resources("aws_rds_cluster_instance"))) {
      expect(instance.monitoring_interval).toBe(0);
      expect(instance).not.toHaveProperty("monitoring_role_arn");
    }
  });

  it("turns Enhanced Monitoring on with a role holding only the AWS managed monitoring policy", () => {
    const { stack } = database({ monitoringIntervalSeconds: 60 });
    const out = synth(stack);
    const [roleId] = Object.keys(out.resources("aws_iam_role"));
    expect(out.resource("aws_iam_role_policy_attachment")).toMatchObject({
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    expect(out.resources("aws_iam_role_policy")).toEqual({});
    expect(out.policyStatements("db/monitoring-role/trust")).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] }],
      }),
    ]);
    const [attachmentId] = Object.keys(out.resources("aws_iam_role_policy_attachment"));
    for (const instance of Object.values(out.resources("aws_rds_cluster_instance"))) {
      expect(instance).toMatchObject({
        monitoring_interval: 60,
        monitoring_role_arn: `\${aws_iam_role.${roleId}.arn}`,
        depends_on: [`aws_iam_role_policy_attachment.${attachmentId}`],
      });
    }
  });

  describe("validation", () => {
    it("throws when engineVersion is not major.minor", () => {
      expect(() => database({ engineVersion: "16" })).toThrow(/test\/db: engineVersion "16" is not an Aurora PostgreSQL version; use major\.minor/);
    });

    it("throws when engineVersion cannot run Serverless v2", () => {
      expect(() => database({ engineVersion: "14.2" })).toThrow(/engineVersion 14\.2 cannot run Serverless v2/);
    });

    it("throws when minCapacityAcu is below 0.5", () => {
      expect(() => database({ minCapacityAcu: 0.3 })).toThrow(
        /test\/db: minCapacityAcu 0\.3 is not a Serverless v2 capacity; use a multiple of 0\.5 from 0\.5 to 256 ACU/,
      );
    });

    it("throws when maxCapacityAcu is above 256", () => {
      expect(() => database({ maxCapacityAcu: 300 })).toThrow(/maxCapacityAcu 300 is not a Serverless v2 capacity/);
    });

    it("throws when a capacity is not a multiple of 0.5", () => {
      expect(() => database({ maxCapacityAcu: 2.25 })).toThrow(/maxCapacityAcu 2\.25 is not a Serverless v2 capacity/);
    });

    it("throws when minCapacityAcu is above maxCapacityAcu", () => {
      expect(() => database({ minCapacityAcu: 8, maxCapacityAcu: 4 })).toThrow(
        /minCapacityAcu 8 is above maxCapacityAcu 4; raise maxCapacityAcu or lower minCapacityAcu/,
      );
    });

    it("throws when instances is 0", () => {
      expect(() => database({ instances: 0 })).toThrow(/instances 0 is not a valid instance count; use a whole number from 1/);
    });

    it("throws when instances is above Aurora's 15", () => {
      expect(() => database({ instances: 16 })).toThrow(/instances 16 is not a valid instance count/);
    });

    it("throws when backupRetentionDays is out of range", () => {
      expect(() => database({ backupRetentionDays: 36 })).toThrow(
        /backupRetentionDays 36 is outside Aurora's range; use a whole number of days from 1 to 35/,
      );
    });

    it("throws when backupRetentionDays is 0", () => {
      expect(() => database({ backupRetentionDays: 0 })).toThrow(/backupRetentionDays 0 is outside Aurora's range/);
    });

    it("throws when there are too few subnets", () => {
      expect(() => database({ subnetIds: ["subnet-a"] })).toThrow(
        /subnetIds has 1 subnet\(s\); a DB subnet group needs subnets in at least 2 availability zones/,
      );
    });

    it("throws when a subnet is listed twice", () => {
      expect(() => database({ subnetIds: ["subnet-a", "subnet-a"] })).toThrow(/subnetIds lists subnet-a twice/);
    });

    it("throws when the port is outside Aurora's range", () => {
      expect(() => database({ port: 80 })).toThrow(/port 80 is outside the range Aurora accepts; use a whole number from 1150 to 65535/);
    });

    it("throws when databaseName is not a PostgreSQL identifier", () => {
      expect(() => database({ databaseName: "task-board" })).toThrow(/databaseName "task-board" is not a valid PostgreSQL database name/);
    });

    it("throws when masterUsername is reserved", () => {
      expect(() => database({ masterUsername: "rdsadmin" })).toThrow(/masterUsername "rdsadmin" is not a valid master user name/);
    });

    it("throws when preferredBackupWindow is malformed", () => {
      expect(() => database({ preferredBackupWindow: "2am" })).toThrow(/preferredBackupWindow "2am" is not a UTC window; use hh24:mi-hh24:mi/);
    });

    it("throws when preferredMaintenanceWindow is malformed", () => {
      expect(() => database({ preferredMaintenanceWindow: "sunday 3am" })).toThrow(
        /preferredMaintenanceWindow "sunday 3am" is not a UTC window; use ddd:hh24:mi-ddd:hh24:mi/,
      );
    });

    it("throws when monitoringIntervalSeconds is not an Enhanced Monitoring interval", () => {
      expect(() => database({ monitoringIntervalSeconds: 20 })).toThrow(
        /monitoringIntervalSeconds 20 is not an Enhanced Monitoring interval; use one of 0, 1, 5, 10, 15, 30, 60/,
      );
    });

    it("throws when logRetentionDays is not a CloudWatch Logs retention", () => {
      expect(() => database({ logRetentionDays: 10 })).toThrow(/retentionDays 10 is not a CloudWatch Logs retention/);
    });

    it("throws when grantConnect is given a wildcard user", () => {
      const stack = testStack();
      const { db } = database({}, stack);
      const role = new ServiceRole(stack, "api", { purpose: "api", assumedBy: ["ecs-tasks.amazonaws.com"] });
      expect(() => db.grantConnect(role, "DbConnect", "*")).toThrow(/test\/db: dbUser "\*" is not a PostgreSQL role name/);
    });
  });
});
