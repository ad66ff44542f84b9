import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "cdktf";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { PipesPipe } from "@cdktf/provider-aws/lib/pipes-pipe";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Sesv2EmailIdentity } from "@cdktf/provider-aws/lib/sesv2-email-identity";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { loadEnvironments } from "../../config";
import { diagramMarkdown } from "../../scripts/diagram";
import { buildDiagram, type Diagram, type DiagramEdge, type DiagramNode } from "../../scripts/diagram/graph";
import { renderMarkdown, renderMermaid } from "../../scripts/diagram/mermaid";
import type { StackJson } from "../../scripts/diagram/stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { testStack } from "../support/synth";

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The stack as `cdktf synth` writes it (with construct-path metadata), and the file's path. */
function synthesizeToFile(stack: TerraformStack): { json: StackJson; file: string } {
  const outdir = Testing.fullSynth(stack);
  outdirs.push(outdir);
  const file = join(outdir, "stacks", stack.node.id, "cdk.tf.json");
  return { json: JSON.parse(readFileSync(file, "utf8")) as StackJson, file };
}

function lambda(stack: TerraformStack, id: string, env: Record<string, string> = {}): LambdaFunction {
  const role = new IamRole(stack, `${id}-role`, { assumeRolePolicy: "{}" });
  return new LambdaFunction(stack, id, {
    functionName: id,
    role: role.arn,
    handler: "index.handler",
    runtime: "nodejs22.x",
    filename: "fixture.zip",
    environment: Object.keys(env).length > 0 ? { variables: env } : undefined,
  });
}

function grant(stack: TerraformStack, id: string, role: string, actions: string[], resources: string[]): void {
  const document = new DataAwsIamPolicyDocument(stack, `${id}-document`, { statement: [{ actions, resources }] });
  new IamRolePolicy(stack, id, { role, policy: document.json });
}

/**
 * A small system with every kind of link the diagram reads: origins, an API
 * with a Lambda integration and a private integration through a VPC link,
 * security group rules, a Lambda permission, a stream → pipe → bus → rule →
 * Lambda chain, IAM grants, env vars, and a KMS key (not a node).
 */
function fixtureStack(): TerraformStack {
  const stack = testStack("fixture");
  const key = new KmsKey(stack, "key", {});
  const site = new S3Bucket(stack, "site-bucket", { bucketPrefix: "site-" });
  const api = new Apigatewayv2Api(stack, "api", { name: "api", protocolType: "HTTP" });
  new CloudfrontDistribution(stack, "distribution", {
    enabled: true,
    origin: [
      { originId: "site", domainName: site.bucketRegionalDomainName },
      {
        originId: "api",
        domainName: `${api.id}.execute-api.ap-northeast-2.amazonaws.com`,
        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
      },
    ],
    defaultCacheBehavior: { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "site", viewerProtocolPolicy: "redirect-to-https" },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });

  const users = new DynamodbTable(stack, "users", { name: "users", hashKey: "email", attribute: [{ name: "email", type: "S" }], serverSideEncryption: { enabled: true, kmsKeyArn: key.arn } });
  const auth = lambda(stack, "auth", { USERS_TABLE_NAME: users.name });
  new Apigatewayv2Integration(stack, "auth-integration", { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: auth.invokeArn });
  new LambdaPermission(stack, "auth-permission", { action: "lambda:InvokeFunction", functionName: auth.functionName, principal: "apigateway.amazonaws.com", sourceArn: `${api.executionArn}/*` });
  grant(stack, "auth-users", auth.role, ["dynamodb:GetItem"], [users.arn]);

  const linkSg = new SecurityGroup(stack, "link-sg", {});
  const albSg = new SecurityGroup(stack, "alb-sg", {});
  const serviceSg = new SecurityGroup(stack, "service-sg", {});
  const databaseSg = new SecurityGroup(stack, "database-sg", {});
  const link = new Apigatewayv2VpcLink(stack, "vpc-link", { name: "link", securityGroupIds: [linkSg.id], subnetIds: ["subnet-1"] });
  const alb = new Lb(stack, "alb", { internal: true, securityGroups: [albSg.id], subnets: ["subnet-1"] });
  const targets = new LbTargetGroup(stack, "targets", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
  const listener = new LbListener(stack, "listener", { loadBalancerArn: alb.arn, port: 80, defaultAction: [{ type: "forward", targetGroupArn: targets.arn }] });
  new Apigatewayv2Integration(stack, "tasks-integration", {
    apiId: api.id,
    integrationType: "HTTP_PROXY",
    integrationMethod: "ANY",
    connectionType: "VPC_LINK",
    connectionId: link.id,
    integrationUri: listener.arn,
  });
  const cluster = new EcsCluster(stack, "cluster", { name: "cluster" });
  new EcsService(stack, "service", {
    name: "service",
    cluster: cluster.arn,
    loadBalancer: [{ containerName: "app", containerPort: 8080, targetGroupArn: targets.arn }],
    networkConfiguration: { securityGroups: [serviceSg.id], subnets: ["subnet-1"] },
  });
  new RdsCluster(stack, "database", { engine: "aurora-postgresql", vpcSecurityGroupIds: [databaseSg.id], kmsKeyId: key.arn });
  const admit = (id: string, into: SecurityGroup, from: SecurityGroup, port: number) =>
    new VpcSecurityGroupIngressRule(stack, id, { securityGroupId: into.id, referencedSecurityGroupId: from.id, ipProtocol: "tcp", fromPort: port, toPort: port });
  admit("alb-from-link", albSg, linkSg, 80);
  admit("service-from-alb", serviceSg, albSg, 8080);
  admit("database-from-service", databaseSg, serviceSg, 5432);

  const events = new DynamodbTable(stack, "task-events", {
    name: "task-events",
    hashKey: "taskId",
    attribute: [{ name: "taskId", type: "S" }],
    streamEnabled: true,
    streamViewType: "NEW_IMAGE",
  });
  const bus = new CloudwatchEventBus(stack, "bus", { name: "bus" });
  const pipeRole = new IamRole(stack, "pipe-role", { assumeRolePolicy: "{}" });
  new PipesPipe(stack, "pipe", { roleArn: pipeRole.arn, source: events.streamArn, target: bus.arn });
  // The pipe's right to read the stream: the same link as stream → pipe, seen from the pipe.
  grant(stack, "pipe-read-stream", pipeRole.name, ["dynamodb:GetRecords"], [events.streamArn]);
  const rule = new CloudwatchEventRule(stack, "rule", { eventBusName: bus.name, eventPattern: "{}" });
  const identity = new Sesv2EmailIdentity(stack, "identity", { emailIdentity: "example.com" });
  const notifier = lambda(stack, "notifier");
  new CloudwatchEventTarget(stack, "target", { rule: rule.name, eventBusName: bus.name, arn: notifier.arn });
  grant(stack, "notifier-send", notifier.role, ["ses:SendEmail"], [identity.arn]);
  return stack;
}

const describeEdge = (diagram: Diagram, edge: DiagramEdge): string => {
  const name = (key: string) => diagram.nodes.find((node) => node.key === key)?.name ?? key;
  return `${name(edge.from)} -> ${name(edge.to)} [${edge.kind}${edge.labels.length > 0 ? `: ${edge.labels.join(", ")}` : ""}]`;
};

/** Recursively reverses the key order of every object: the same stack, written differently. */
function reorderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorderKeys);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reorderKeys(inner)]));
  return value;
}

describe("architecture diagram of a small synthesized stack", () => {
  let json: StackJson;
  let file: string;
  let diagram: Diagram;
  beforeAll(() => {
    ({ json, file } = synthesizeToFile(fixtureStack()));
    diagram = buildDiagram(json);
  });

  it("draws exactly the edges the references imply, in the direction traffic and events flow", () => {
    expect(diagram.edges.map((edge) => describeEdge(diagram, edge))).toEqual([
      "alb -> service [network: tcp/8080]",
      "api -> auth [flow: integration]",
      "api -> vpc-link [flow: private integration]",
      "auth -> users [flow: USERS_TABLE_NAME]",
      "bus -> rule [flow: events]",
      "distribution -> api [flow: origin]",
      "distribution -> site-bucket [flow: origin]",
      "notifier -> identity [iam: ses:SendEmail]",
      "pipe -> bus [flow: events]",
      "rule -> notifier [flow: target]",
      "service -> cluster [association: runs on]",
      "service -> database [network: tcp/5432]",
      "task-events -> pipe [flow: stream]",
      "vpc-link -> alb [network: tcp/80]",
    ]);
  });

  it("folds roles, policies, rules, listeners and security groups into their nodes and leaves KMS keys out", () => {
    expect(diagram.nodes.map((node) => node.type).sort()).toEqual([
      "aws_apigatewayv2_api",
      "aws_apigatewayv2_vpc_link",
      "aws_cloudfront_distribution",
      "aws_cloudwatch_event_bus",
      "aws_cloudwatch_event_rule",
      "aws_dynamodb_table",
      "aws_dynamodb_table",
      "aws_ecs_cluster",
      "aws_ecs_service",
      "aws_lambda_function",
      "aws_lambda_function",
      "aws_lb",
      "aws_pipes_pipe",
      "aws_rds_cluster",
      "aws_s3_bucket",
      "aws_sesv2_email_identity",
    ]);
    expect(diagram.unconnected).toEqual([]);
  });

  it("places each node in its group, a Lambda in the group of what invokes it", () => {
    const groupOf = (name: string) => diagram.nodes.find((node) => node.name === name)?.group;
    expect({
      distribution: groupOf("distribution"),
      bucket: groupOf("site-bucket"),
      api: groupOf("api"),
      auth: groupOf("auth"),
      alb: groupOf("alb"),
      database: groupOf("database"),
      pipe: groupOf("pipe"),
      notifier: groupOf("notifier"),
    }).toEqual({
      distribution: "edge",
      bucket: "edge",
      api: "api",
      auth: "api",
      alb: "compute",
      database: "data",
      pipe: "events",
      notifier: "events",
    });
    expect(diagram.nodes.find((node) => node.name === "alb")?.kind).toBe("internal ALB");
    expect(diagram.nodes.find((node) => node.name === "database")?.kind).toBe("Aurora PostgreSQL");
  });

  it("names nodes from construct paths, with or without cdktf's metadata", () => {
    const withoutMetadata = JSON.parse(Testing.synth(fixtureStack())) as StackJson;
    const names = (stack: StackJson) => buildDiagram(stack).nodes.map((node: DiagramNode) => node.name).sort();
    expect(names(withoutMetadata)).toEqual(names(json));
    expect(names(json)).toContain("task-events");
  });

  it("renders the same markdown for the same stack, whatever the key order of its JSON", () => {
    const reordered = join(mkdtempSync(join(tmpdir(), "diagram-")), "cdk.tf.json");
    outdirs.push(join(reordered, ".."));
    writeFileSync(reordered, JSON.stringify(reorderKeys(json)));
    const original = diagramMarkdown({ environment: "fixture", stackFile: file, root: join(file, "..") });
    expect(diagramMarkdown({ environment: "fixture", stackFile: reordered, root: join(reordered, "..") })).toBe(original);
    expect(original).toBe(diagramMarkdown({ environment: "fixture", stackFile: file, root: join(file, "..") }));
  });

  it("renders a Mermaid flowchart: subgraphs in group order, shaped nodes, styled and labelled edges", () => {
    const mermaid = renderMermaid(diagram);
    const lines = mermaid.split("\n");
    expect(lines[0]).toBe("flowchart LR");
    expect(lines.filter((line) => line.startsWith("  subgraph"))).toEqual([
      '  subgraph edge_group["Edge"]',
      '  subgraph api_group["API"]',
      '  subgraph compute_group["Compute (VPC)"]',
      '  subgraph data_group["Data"]',
      '  subgraph events_group["Events"]',
    ]);
    expect(lines).toContain('    task_events[("task-events<br/>DynamoDB table")]');
    expect(lines).toContain('    auth(["auth<br/>Lambda"])');
    expect(lines).toContain('  task_events -->|"stream"| pipe');
    expect(lines).toContain('  notifier -.->|"ses:SendEmail"| identity');
    expect(lines).toContain('  service -.-|"runs on"| cluster');
  });

  it("never uses a Mermaid keyword or a leading digit as a node id", () => {
    const node = (name: string): DiagramNode => ({ key: name, type: "aws_sqs_queue", kind: "SQS queue", name, group: "events", shape: "queue" });
    const mermaid = renderMermaid({
      nodes: [node("end"), node("3-retries")],
      edges: [{ from: "end", to: "3-retries", kind: "dead-letter", labels: ["a", "b", "c", "d"] }],
      unconnected: [],
      resourceCount: 2,
    });
    expect(mermaid).toContain('    n_end[/"end<br/>SQS queue"/]');
    expect(mermaid).toContain('  n_end -.->|"a, b, c +1"| n_3_retries');
  });

  it("throws naming `npm run synth` when the environment has not been synthesized", () => {
    const root = mkdtempSync(join(tmpdir(), "diagram-empty-"));
    outdirs.push(root);
    expect(() => diagramMarkdown({ environment: "prod", root })).toThrow(
      'no synthesized stack at cdktf.out/stacks/prod/cdk.tf.json: run `npm run synth` first (environment "prod")',
    );
  });
});

describe("architecture diagram of the real prod stack", () => {
  let diagram: Diagram;
  beforeAll(() => {
    const prod = loadEnvironments({}).find((config) => config.name === "prod");
    if (!prod) throw new Error("no prod environment in config");
    diagram = buildDiagram(synthesizeToFile(new EnvironmentStack(Testing.app(), "prod", prod)).json);
  });

  /** The one node of a type whose name contains `part`. */
  const node = (type: string, part = ""): DiagramNode => {
    const found = diagram.nodes.filter((candidate) => candidate.type === type && candidate.name.includes(part));
    if (found.length !== 1) throw new Error(`expected one ${type} named *${part}*, found ${found.map((n) => n.name).join(", ") || "none"}`);
    return found[0]!;
  };
  const edgeBetween = (from: DiagramNode, to: DiagramNode) => diagram.edges.find((edge) => edge.from === from.key && edge.to === to.key);
  const expectEdge = (from: DiagramNode, to: DiagramNode) => expect(edgeBetween(from, to), `${from.name} -> ${to.name}`).toBeDefined();

  it("routes the browser's requests: CloudFront to the site bucket and to the API, behind the WAF", () => {
    const distribution = node("aws_cloudfront_distribution");
    expectEdge(distribution, node("aws_s3_bucket", "site"));
    expectEdge(distribution, node("aws_apigatewayv2_api"));
    expect(edgeBetween(distribution, node("aws_wafv2_web_acl"))?.kind).toBe("association");
  });

  it("routes the API: sign-in to the auth Lambda, the authorizer, and the task routes through the VPC link to the ALB", () => {
    const api = node("aws_apigatewayv2_api");
    const link = node("aws_apigatewayv2_vpc_link");
    expectEdge(api, node("aws_lambda_function", "auth-function"));
    expectEdge(api, node("aws_lambda_function", "authorizer"));
    expectEdge(api, link);
    expect(edgeBetween(link, node("aws_lb"))).toMatchObject({ kind: "network", labels: ["tcp/443"] });
    expect(edgeBetween(api, node("aws_lb"))).toBeUndefined();
  });

  it("connects the network path ALB → ECS service → Aurora from the security group rules", () => {
    const service = node("aws_ecs_service");
    expect(edgeBetween(node("aws_lb"), service)).toMatchObject({ kind: "network", labels: ["tcp/8080"] });
    expect(edgeBetween(service, node("aws_rds_cluster"))).toMatchObject({ kind: "network", labels: ["tcp/5432"] });
    expectEdge(service, node("aws_dynamodb_table", "task-events"));
  });

  it("follows a task event: task-events table → pipe → bus → rule → notifier → SES", () => {
    const pipe = node("aws_pipes_pipe");
    const bus = node("aws_cloudwatch_event_bus");
    const rule = node("aws_cloudwatch_event_rule");
    const notifier = node("aws_lambda_function", "notifier");
    expectEdge(node("aws_dynamodb_table", "task-events"), pipe);
    expect(edgeBetween(pipe, node("aws_dynamodb_table", "task-events"))).toBeUndefined();
    expectEdge(pipe, bus);
    expectEdge(bus, rule);
    expectEdge(rule, notifier);
    expect(edgeBetween(notifier, node("aws_sesv2_email_identity"))).toMatchObject({ kind: "iam", labels: ["ses:SendEmail"] });
    expectEdge(notifier, node("aws_dynamodb_table", "notifications-sent"));
  });

  it("groups every node and draws each dead-letter queue from what feeds it", () => {
    const groups = new Set(diagram.nodes.map((candidate) => candidate.group));
    expect([...groups].sort()).toEqual(["api", "compute", "data", "edge", "events", "observability"]);
    const queues = diagram.nodes.filter((candidate) => candidate.type === "aws_sqs_queue");
    expect(queues.length).toBeGreaterThanOrEqual(4);
    for (const queue of queues) expect(diagram.edges.some((edge) => edge.to === queue.key && edge.kind === "dead-letter"), queue.name).toBe(true);
    expect(node("aws_cloudtrail").group).toBe("observability");
  });
  it("is what docs/architecture-prod.md holds: the committed diagram is not stale", () => {
    const committed = readFileSync(join(process.cwd(), "docs", "architecture-prod.md"), "utf8");
    const today = renderMarkdown(diagram, { environment: "prod", source: "cdktf.out/stacks/prod/cdk.tf.json", command: "npm run diagram -- --env prod" });
    // On failure: `npm run synth && npm run diagram`, then copy the mermaid block into the README.
    expect(committed).toBe(today);
  });
});

describe("the README's architecture diagram", () => {
  it("is the generated prod diagram, unedited", () => {
    const generated = readFileSync(join(process.cwd(), "docs", "architecture-prod.md"), "utf8");
    const readme = readFileSync(join(process.cwd(), "README.md"), "utf8");
    const mermaid = (text: string) => {
      const start = text.indexOf("```mermaid");
      return text.slice(start, text.indexOf("```", start + 10) + 3);
    };
    expect(mermaid(generated).length).toBeGreaterThan(100);
    expect(mermaid(readme)).toBe(mermaid(generated));
  });
});
