import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GUARDRAIL_RULES, ruleById } from "../../modules/guardrails";
import { StackIndex } from "../../modules/guardrails/private/stack-index";

const RULES_DIR = join(import.meta.dirname, "../../modules/guardrails/rules");

/** Every `rules/<service>/<RuleName>.ts` file's name. */
function ruleFiles(): string[] {
  return readdirSync(RULES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => readdirSync(join(RULES_DIR, dir.name)).map((file) => file.replace(/\.ts$/, "")));
}

const REFERENCE_FORMAT = {
  checkov: /^CKV2?_AWS_\d+$/,
  "cdk-nag": /^(AwsSolutions|Serverless)-[A-Za-z0-9]+$/,
  "security-hub": /^[A-Za-z0-9]+\.\d+$/,
  "aws-config": /^[a-z0-9-]+$/,
} as const;

describe("the compliance pack", () => {
  it("registers every rule file, once, under the file's name", () => {
    expect(GUARDRAIL_RULES.map((r) => r.name).sort()).toEqual(ruleFiles().sort());
  });

  it("gives each rule a unique TB-<SERVICE>-<n> id, a one-line reason, a level, inspected types and a fix", () => {
    const ids = GUARDRAIL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of GUARDRAIL_RULES) {
      expect(rule.id).toMatch(/^TB-[A-Z0-9]+-\d+$/);
      expect(rule.reason).toMatch(/^[A-Z`].{20,200}[.)]$/);
      expect(rule.reason).not.toContain("\n");
      expect(["required", "prod"]).toContain(rule.level);
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      for (const type of rule.resourceTypes) expect(type).toMatch(/^aws_[a-z0-9_]+$/);
      expect(rule.fix.length).toBeGreaterThan(20);
      expect(ruleById(rule.id)).toBe(rule);
    }
  });

  it("writes references in each publisher's own id format", () => {
    for (const rule of GUARDRAIL_RULES) {
      for (const reference of rule.references) expect(reference.id).toMatch(REFERENCE_FORMAT[reference.source]);
    }
  });

  it("lists every rule in its README with its level", () => {
    const readme = readFileSync(join(RULES_DIR, "../README.md"), "utf8");
    for (const rule of GUARDRAIL_RULES) expect(readme).toContain(`| ${rule.id} | ${rule.level} | ${rule.name} |`);
    // The counts the READMEs state stay true as rules are added.
    expect(readme).toContain(`The compliance pack: ${GUARDRAIL_RULES.length} rules,`);
    expect(readFileSync(join(RULES_DIR, "../../../README.md"), "utf8")).toContain(`the compliance pack: ${GUARDRAIL_RULES.length} rules checked`);
  });

  it("covers the resource types of the issue's list", () => {
    const inspected = new Set(GUARDRAIL_RULES.flatMap((r) => r.resourceTypes));
    for (const type of [
      "aws_s3_bucket",
      "aws_cloudfront_distribution",
      "aws_apigatewayv2_stage",
      "aws_apigatewayv2_route",
      "aws_lambda_function",
      "aws_dynamodb_table",
      "aws_rds_cluster",
      "aws_rds_cluster_instance",
      "aws_lb",
      "aws_ecs_task_definition",
      "aws_launch_template",
      "aws_ecs_cluster",
      "aws_ecs_service",
      "aws_ecr_repository",
      "aws_sqs_queue",
      "aws_sns_topic",
      "aws_cloudwatch_log_group",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_iam_policy",
      "aws_vpc",
      "aws_vpc_security_group_ingress_rule",
    ]) {
      expect(inspected).toContain(type);
    }
  });
});

describe("StackIndex", () => {
  const json = {
    resource: {
      aws_s3_bucket: { logs: { "//": { metadata: { path: "s/logs", uniqueId: "logs" } }, bucket: "logs" } },
      aws_s3_bucket_logging: {
        l: { "//": { metadata: { path: "s/l", uniqueId: "l" } }, bucket: "other", target_bucket: "${aws_s3_bucket.logs.bucket}" },
      },
    },
    data: {
      aws_iam_policy_document: {
        base: { statement: [{ sid: "Base", effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] }] },
        combined: {
          source_policy_documents: ["${data.aws_iam_policy_document.base.json}", '{"Statement":{"Effect":"Deny","Action":"s3:*","Principal":"*","Resource":"*"}}'],
          statement: [{ sid: "Own", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }] }],
        },
      },
    },
  };
  const index = new StackIndex(json);

  it("reads construct paths from cdktf's metadata and resolves references to blocks", () => {
    const bucket = index.at("aws_s3_bucket.logs")!;
    expect(bucket.path).toBe("s/logs");
    expect(bucket.attributes).toEqual({ bucket: "logs" });
    expect(index.referrers(bucket, "aws_s3_bucket_logging", "target_bucket").map((r) => r.path)).toEqual(["s/l"]);
    expect(index.referrers(bucket, "aws_s3_bucket_logging", "bucket")).toEqual([]);
  });

  it("resolves a policy document with its source documents and literal JSON", () => {
    const statements = index.policyStatements("${data.aws_iam_policy_document.combined.json}")!;
    expect(statements.map((s) => [s.sid ?? "-", s.effect, s.actions.join()])).toEqual([
      ["Own", "Allow", "s3:PutObject"],
      ["Base", "Allow", "s3:GetObject"],
      ["-", "Deny", "s3:*"],
    ]);
    expect(statements[0]!.conditions).toEqual([{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }]);
    expect(statements[2]!.principals).toEqual([{ type: "*", identifiers: ["*"] }]);
  });

  it("cannot read a policy built by an expression", () => {
    expect(index.policyStatements("${jsonencode(local.p)}")).toBeUndefined();
    expect(index.policyStatements("${data.aws_iam_policy_document.missing.json}")).toBeUndefined();
  });
});
