import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App } from "cdktf";
import { loadEnvironments } from "../../config";
import { buildContainerBundles, formatLeastPrivilege, formatReachability, loadStack, proveStack, type StackProofs } from "../../scripts/proofs";
import { EnvironmentStack } from "../../stacks/environment-stack";

const environments = loadEnvironments({});
const proofs = new Map<string, StackProofs>();
let outdir = "";

// The three environments, synthesized as `npm run synth` does (assets copied, so the proofs read the shipped zips),
// and the tasks-api bundle built once, as the Dockerfile builds it.
beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), "taskboard-proofs-env-"));
  const app = new App({ outdir, stackTraces: false });
  for (const config of environments) new EnvironmentStack(app, config.name, config);
  app.synth();
  const containers = await buildContainerBundles();
  try {
    for (const config of environments) {
      proofs.set(config.name, proveStack(loadStack(join(outdir, "stacks", config.name), config.name), { containerBundles: containers.bundles }));
    }
  } finally {
    containers.dispose();
  }
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const proofOf = (name: string): StackProofs => {
  const found = proofs.get(name);
  if (!found) throw new Error(`no proofs for ${name}`);
  return found;
};

describe.each(environments.map((config) => config.name))("the %s environment", (name) => {
  it("grants every Lambda and ECS role exactly what its shipped code and platform use", () => {
    expect(proofOf(name).leastPrivilege.findings).toEqual([]);
  });

  it("has the intended network graph", () => {
    expect(proofOf(name).reachability.findings).toEqual([]);
  });
});

describe("what the proofs read from prod", () => {
  it("derives each role's calls from the bundles that ship", () => {
    const calls = Object.fromEntries(
      proofOf("prod")
        .leastPrivilege.roles.filter((role) => role.kind !== "service")
        .map((role) => [role.role, [...new Set(role.needs.filter((need) => need.source === "code").map((need) => need.action))]]),
    );
    expect(calls).toEqual({
      "auth-function/role/role": ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:UpdateItem", "kms:Sign"],
      "authorizer-function/role/role": ["kms:GetPublicKey"],
      "notifier-function/role/role": ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "ses:SendEmail"],
      "tasks-api/execution-role/role": [],
      "tasks-api/task-role/role": ["dynamodb:BatchWriteItem", "dynamodb:Query", "kms:GetPublicKey"],
    });
  });

  it("reads the Lambda zips the stack references and the tasks-api bundle it built", () => {
    const bundles = proofOf("prod").leastPrivilege.roles.flatMap((role) => role.bundles);
    expect(bundles).toEqual([
      expect.stringMatching(/^assets\/auth-function_code_[0-9A-F]+\/[0-9a-f]{64}\/[0-9a-f]{64}\.zip$/),
      expect.stringMatching(/^assets\/authorizer-function_code_/),
      expect.stringMatching(/^assets\/notifier-function_code_/),
      "handlers/tasks-api (built as the Dockerfile does)",
    ]);
  });

  it("lists the AWS managed policies it cannot analyse, only on the container instances' role", () => {
    const managed = proofOf("prod").leastPrivilege.roles.filter((role) => role.managedPolicies.length > 0);
    expect(managed.map((role) => [role.role, role.managedPolicies])).toEqual([
      [
        "cluster/instance-role/role",
        ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      ],
    ]);
  });

  it("prints the security-group graph: VPC link -> ALB -> service -> Aurora and the KMS endpoint, and only the instances' HTTPS out", () => {
    const edges = proofOf("prod").reachability.edges.map((edge) => `${edge.from} -> ${edge.to} ${edge.via}${edge.halfOpen ? " [half-open]" : ""}`);
    expect(edges).toEqual([
      "internet -> site/distribution (CloudFront) :443/tcp",
      "site/distribution (CloudFront) -> site/bucket/bucket (S3) origin site-bucket",
      "site/distribution (CloudFront) -> api/api (API Gateway) origin api",
      "internet -> api/api (API Gateway) :443/tcp",
      "api/api (API Gateway) -> auth-function/function (Lambda) AWS_PROXY integration",
      "api/api (API Gateway) -> api/vpc-link-security-group (VPC link api/vpc-link, integration to load-balancer/listener)",
      "api/vpc-link-security-group -> load-balancer/security-group :443/tcp",
      "load-balancer/security-group -> tasks-api/tasks-sg :8080/tcp",
      "tasks-api/tasks-sg -> database/security-group :5432/tcp",
      "tasks-api/tasks-sg -> network/kms-interface-endpoint/security-group :443/tcp",
      // The container instances' ECS agent, image pulls and Session Manager go out through NAT; the service does not.
      "cluster/instance-sg -> 0.0.0.0/0 :443/tcp (egress)",
      "tasks-api/tasks-sg -> prefix list network/dynamodb-endpoint :443/tcp (egress)",
    ]);
  });

  it("names everything that runs with the service's security group, the one Aurora admits", () => {
    expect(proofOf("prod").reachability.members["tasks-api/tasks-sg"]).toEqual([
      "ECS service tasks-api/service",
      "EventBridge Scheduler ECS task reminder/schedule",
      "one-off tasks started with stack output tasks_api_security_group_id",
    ]);
  });

  it("renders both reports as text", () => {
    const text = [...formatLeastPrivilege(proofOf("prod").leastPrivilege), ...formatReachability(proofOf("prod").reachability)].join("\n");
    expect(text).toContain("result: every grant is used and every use is granted");
    expect(text).toContain("result: the graph is the intended one");
    expect(text).toMatch(/isolated \(3 subnets\): gateway endpoint network\/dynamodb-endpoint; gateway endpoint network\/s3-endpoint/);
  });
});
