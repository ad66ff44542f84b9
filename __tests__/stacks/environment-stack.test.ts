import { describe, expect, it } from "vitest";
import { Testing } from "cdktf";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { EnvironmentStack } from "../../stacks/environment-stack";

type Block = Record<string, unknown>;
type StackJson = {
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  variable?: Record<string, Block>;
};

const environments = loadEnvironments({});
const synthesized = new Map<string, StackJson>();

/** Each environment synthesized once per test file; the stacks are immutable once built. */
function stackJson(config: EnvironmentConfig): StackJson {
  let json = synthesized.get(config.name);
  if (!json) {
    json = JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), config.name, config))) as StackJson;
    synthesized.set(config.name, json);
  }
  return json;
}

function resources(json: StackJson, type: string): [string, Block][] {
  return Object.entries(json.resource[type] ?? {});
}

/** Replaces content hashes (asset paths, zip digests) so a snapshot shows structure, not bytes. */
function normaliseHashes(text: string): string {
  return text
    .replace(/\b[0-9a-f]{64}\b/g, "<sha256-hex>")
    .replace(/[A-Za-z0-9+/]{43}=/g, "<sha256-base64>")
    .replace(/assets\/[^"/]+\/[0-9A-F]{32}/g, "assets/<asset>/<hash>");
}

const securityGroupIdOf = (json: StackJson, logicalIdPrefix: string): string => {
  const found = resources(json, "aws_security_group").find(([id]) => id.startsWith(logicalIdPrefix));
  if (!found) throw new Error(`no security group ${logicalIdPrefix}*`);
  return `\${aws_security_group.${found[0]}.id}`;
};

describe.each(environments.map((config) => [config.name, config] as const))("%s environment stack", (_name, config) => {
  it("matches its snapshot (content hashes normalised)", () => {
    expect(normaliseHashes(JSON.stringify(stackJson(config), null, 2))).toMatchSnapshot();
  });

  it("keeps the logical ids of its stateful resources, so a refactor cannot replace them", () => {
    const json = stackJson(config);
    const ids = (type: string) => resources(json, type).map(([id]) => id).sort();
    expect({
      vpc: ids("aws_vpc"),
      tables: ids("aws_dynamodb_table"),
      database: ids("aws_rds_cluster"),
      repository: ids("aws_ecr_repository"),
      buckets: ids("aws_s3_bucket"),
      keys: ids("aws_kms_key"),
      trail: ids("aws_cloudtrail"),
      archive: ids("aws_cloudwatch_event_archive"),
      queues: ids("aws_sqs_queue"),
    }).toEqual({
      vpc: ["network_vpc_4E8F0223"],
      tables: [
        "tables_login-attempts_table_8FE2264B",
        "tables_notifications-sent_table_E1EE0FB9",
        "tables_task-events_table_4F12AEB0",
        "tables_users_table_41202D49",
      ],
      database: ["database_cluster_FAF2FB92"],
      repository: ["tasks-api-repository_91F90C76"],
      buckets: ["audit_bucket_95DA8A96", "lambda-artifacts_bucket_90F40CB8", "log-bucket_38F5EEF0", "site_bucket_DFA168EB"],
      keys: [
        "audit_key_0A822D18",
        "cluster_ebs-key_A367282B",
        "database_key_CA7EEF20",
        "email_topic-key_753F29BA",
        "events_bus-key_47439D94",
        "events_dlq-key_1642B809",
        "lambda-artifacts_key_38BB9864",
        "logs-key_44F95A88",
        "monitoring_billing-key_7CA5C30F",
        "monitoring_key_08DE86CB",
        "queues-key_5746921A",
        "site_bucket_key_DFD8B7F8",
        "tables_task-events_key_EE5FBF22",
        "tables_users_key_ACFB9708",
        "tasks-api-repository_key_97FC6771",
        // The token signing key: replacing it signs everyone out.
        "token-signing-key_E1E2B1FC",
      ],
      trail: ["audit_trail_91FB908D"],
      archive: ["events_archive_7398DBF8"],
      queues: [
        "events_bus-dlq_queue_C299A626",
        "events_pipe-dlq_queue_CF6BF153",
        "events_rule-dlq_queue_985E2A29",
        "notifier-failures_queue_0C00D440",
        "reminder_dlq_queue_F720D53B",
      ],
    });
  });

  it("looks nothing up in AWS at plan time: the only data source is the local policy document", () => {
    expect(Object.keys(stackJson(config).data ?? {})).toEqual(["aws_iam_policy_document"]);
  });

  it("keeps every log group retained and KMS-encrypted for the environment's retention", () => {
    const groups = resources(stackJson(config), "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const [, group] of groups) {
      expect(group.retention_in_days).toBe(config.logRetentionDays);
      expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    }
  });

  it("encrypts every bucket and blocks its public access", () => {
    const json = stackJson(config);
    const bucketIds = resources(json, "aws_s3_bucket").map(([id]) => `\${aws_s3_bucket.${id}.id}`);
    const encrypted = resources(json, "aws_s3_bucket_server_side_encryption_configuration").map(([, r]) => r.bucket);
    const blocked = resources(json, "aws_s3_bucket_public_access_block")
      .filter(([, r]) => r.block_public_acls && r.block_public_policy && r.ignore_public_acls && r.restrict_public_buckets)
      .map(([, r]) => r.bucket);
    expect(encrypted.sort()).toEqual(bucketIds.sort());
    expect(blocked.sort()).toEqual(bucketIds.sort());
  });

  it("rotates every symmetric KMS key (KMS cannot rotate the asymmetric signing key)", () => {
    const keys = resources(stackJson(config), "aws_kms_key");
    const symmetric = keys.filter(([, key]) => key.key_usage !== "SIGN_VERIFY");
    expect(keys.length - symmetric.length).toBe(1);
    for (const [, key] of symmetric) expect(key.enable_key_rotation).toBe(true);
  });

  it("encrypts every queue and topic with a customer managed key", () => {
    const json = stackJson(config);
    for (const [, queue] of resources(json, "aws_sqs_queue")) expect(queue.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    for (const [, topic] of resources(json, "aws_sns_topic")) expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  it("lets only this distribution read the site bucket, through OAC", () => {
    const json = stackJson(config);
    const [[distributionId]] = resources(json, "aws_cloudfront_distribution") as [[string, Block]];
    const documents = Object.entries(json.data?.aws_iam_policy_document ?? {}).filter(([id]) => id.startsWith("site_bucket_policy"));
    const statements = documents.flatMap(([, doc]) => doc.statement as Block[]);
    const allows = statements.filter((s) => s.effect !== "Deny");
    expect(allows).toEqual([
      expect.objectContaining({
        actions: ["s3:GetObject"],
        principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [`\${aws_cloudfront_distribution.${distributionId}.arn}`] }],
      }),
    ]);
  });

  it("configures no CORS on the API, since the site calls it through its own origin", () => {
    const [[, api]] = resources(stackJson(config), "aws_apigatewayv2_api") as [[string, Block]];
    expect(api).not.toHaveProperty("cors_configuration");
  });

  it("admits traffic to the load balancer only from API Gateway's VPC link", () => {
    const json = stackJson(config);
    const albGroup = securityGroupIdOf(json, "load-balancer_");
    const vpcLinkGroup = securityGroupIdOf(json, "api_");
    const ingress = resources(json, "aws_vpc_security_group_ingress_rule").map(([, rule]) => rule);
    expect(ingress.filter((rule) => rule.security_group_id === albGroup).map((rule) => rule.referenced_security_group_id)).toEqual([
      vpcLinkGroup,
    ]);
  });

  it("encrypts API Gateway's hop to the load balancer with a certificate it verifies, wherever a domain allows one", () => {
    const json = stackJson(config);
    const [[, listener]] = resources(json, "aws_lb_listener") as [[string, Block]];
    const [integration] = resources(json, "aws_apigatewayv2_integration")
      .map(([, block]) => block)
      .filter((block) => block.connection_type === "VPC_LINK");
    const originCertificates = resources(json, "aws_acm_certificate").filter(([id]) => id.startsWith("api-origin-certificate_"));
    if (!config.edge.domain) {
      // dev: no domain, no public certificate; the listener stays HTTP and TB-ALB-5 carries dev's waiver.
      expect(listener).toMatchObject({ protocol: "HTTP", port: 80 });
      expect(integration).not.toHaveProperty("tls_config");
      expect(originCertificates).toEqual([]);
      return;
    }
    const name = `tasks-api.internal.${config.edge.domain.name}`;
    const [[certificateId, certificate]] = originCertificates as [[string, Block]];
    // The stack's own Region (the ALB's), not the us-east-1 alias the site's certificate uses.
    expect(certificate).toMatchObject({ domain_name: name, validation_method: "DNS" });
    expect(certificate.provider).toBeUndefined();
    const [validationId] = resources(json, "aws_acm_certificate_validation").find(([, block]) => block.certificate_arn === `\${aws_acm_certificate.${certificateId}.arn}`)!;
    expect(listener).toMatchObject({
      protocol: "HTTPS",
      port: 443,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: `\${aws_acm_certificate_validation.${validationId}.certificate_arn}`,
    });
    expect(integration).toMatchObject({ tls_config: { server_name_to_verify: name } });
  });

  it("traces every function and gives each its own retained log group", () => {
    const json = stackJson(config);
    const functions = resources(json, "aws_lambda_function");
    expect(functions.map(([, fn]) => fn.function_name).sort()).toEqual(
      ["auth", "authorizer", "notifier"].map((name) => `taskboard-${config.name}-${name}`),
    );
    for (const [, fn] of functions) {
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], tracing_config: { mode: "Active" } });
    }
  });

  it("keeps the load balancer internal and admits the service only from it, and the database only from the service", () => {
    const json = stackJson(config);
    expect(resources(json, "aws_lb").map(([, lb]) => lb.internal)).toEqual([true]);
    const albGroup = securityGroupIdOf(json, "load-balancer_");
    const serviceGroup = securityGroupIdOf(json, "tasks-api_");
    const databaseGroup = securityGroupIdOf(json, "database_");
    const ingress = resources(json, "aws_vpc_security_group_ingress_rule").map(([, rule]) => rule);
    const sourcesOf = (group: string) =>
      ingress.filter((rule) => rule.security_group_id === group).map((rule) => rule.referenced_security_group_id ?? rule.cidr_ipv4);
    expect(sourcesOf(serviceGroup)).toEqual([albGroup]);
    expect(sourcesOf(databaseGroup)).toEqual([serviceGroup]);
    // Nothing may enter from an address range: every ingress names a peer security group.
    expect(ingress.filter((rule) => rule.cidr_ipv4 !== undefined || rule.cidr_ipv6 !== undefined)).toEqual([]);
  });

  it("gives the tasks-api no way out of the VPC: egress only to Aurora, DynamoDB's gateway endpoint and the KMS endpoint", () => {
    const json = stackJson(config);
    const serviceGroup = securityGroupIdOf(json, "tasks-api_");
    const egress = resources(json, "aws_vpc_security_group_egress_rule")
      .map(([, rule]) => rule)
      .filter((rule) => rule.security_group_id === serviceGroup);
    expect(egress.map((rule) => rule.referenced_security_group_id ?? rule.prefix_list_id ?? rule.cidr_ipv4)).toEqual([
      securityGroupIdOf(json, "database_"),
      expect.stringMatching(/^\$\{aws_vpc_endpoint\.network_dynamodb-endpoint_[0-9A-F]+\.prefix_list_id\}$/),
      securityGroupIdOf(json, "network_kms-interface-endpoint_"),
    ]);
    // The endpoint passes one call of one role on one key: no other account's key is reachable through it.
    const [[, endpoint]] = resources(json, "aws_vpc_endpoint").filter(([, candidate]) => candidate.vpc_endpoint_type === "Interface") as [[string, Block]];
    expect(endpoint).toMatchObject({ service_name: "com.amazonaws.ap-northeast-2.kms", private_dns_enabled: true });
    const policyId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(endpoint.policy))![1]!;
    expect(json.data?.aws_iam_policy_document?.[policyId]?.statement).toEqual([
      {
        sid: "TasksApiReadsTokenPublicKey",
        effect: "Allow",
        actions: ["kms:GetPublicKey"],
        resources: [expect.stringMatching(/^\$\{aws_kms_key\.token-signing-key_[0-9A-F]+\.arn\}$/)],
        principals: [{ type: "AWS", identifiers: [expect.stringMatching(/^\$\{aws_iam_role\.tasks-api_task-role_[A-Za-z0-9_-]+\.arn\}$/)] }],
      },
    ]);
  });

  it("keeps the database private, encrypted, TLS-only and its password out of Terraform", () => {
    const json = stackJson(config);
    const [[, cluster]] = resources(json, "aws_rds_cluster") as [[string, Block]];
    expect(cluster).toMatchObject({
      storage_encrypted: true,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      deletion_protection: config.deletionProtection,
      backup_retention_period: config.database.backupRetentionDays,
    });
    expect(JSON.stringify(json)).not.toMatch(/"master_password"/);
    for (const [, instance] of resources(json, "aws_rds_cluster_instance")) expect(instance.publicly_accessible).toBe(false);
    expect(resources(json, "aws_rds_cluster_instance")).toHaveLength(config.database.instances);
  });

  it("takes NAT gateways and deletion protection from the configuration", () => {
    const json = stackJson(config);
    const expectedNat = config.network.natGateways === "per-az" ? config.availabilityZones.length : 1;
    expect(resources(json, "aws_nat_gateway")).toHaveLength(expectedNat);
    for (const [, table] of resources(json, "aws_dynamodb_table")) {
      expect(table.deletion_protection_enabled).toBe(config.deletionProtection);
    }
    expect(resources(json, "aws_lb")[0]![1].enable_deletion_protection).toBe(config.deletionProtection);
  });

  it("requires the deploy pipeline to name the image by digest", () => {
    const variable = stackJson(config).variable?.tasks_api_image_digest;
    expect(variable).toBeDefined();
    expect(variable).not.toHaveProperty("default");
    const container = JSON.parse(
      String(resources(stackJson(config), "aws_ecs_task_definition")[0]![1].container_definitions),
    ) as { image: string }[];
    expect(container[0]!.image).toMatch(/@\$\{var\.tasks_api_image_digest\}$/);
  });
});

describe("environment differences", () => {
  it("sizes prod above dev", () => {
    const [dev, , prod] = environments as [EnvironmentConfig, EnvironmentConfig, EnvironmentConfig];
    const natCount = (config: EnvironmentConfig) => resources(stackJson(config), "aws_nat_gateway").length;
    expect(natCount(prod)).toBeGreaterThan(natCount(dev));
    expect(prod.database.maxCapacityAcu).toBeGreaterThan(dev.database.maxCapacityAcu);
    expect(prod.logRetentionDays).toBeGreaterThan(dev.logRetentionDays);
  });
});
