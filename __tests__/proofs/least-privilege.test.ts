import { afterAll, describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Table } from "../../modules/dynamodb";
import { EncryptionKey } from "../../modules/kms";
import { NodejsFunction } from "../../modules/lambda";
import { checkLeastPrivilege, type Finding, type LeastPrivilegeOptions } from "../../scripts/proofs/least-privilege";
import { fixtureStack, removeFixtureOutput } from "./fixture-stack";

const PUT_ITEM = "__tests__/fixtures/proofs/put-item/index.ts";
const QUERY_PAGINATED = "__tests__/fixtures/proofs/query-paginated/index.ts";

afterAll(removeFixtureOutput);

/** A table and a function whose bundle calls exactly PutItem on it; its role starts with logs and traces only. */
function writer(stack: TerraformStack, entry = PUT_ITEM): { table: Table; fn: NodejsFunction } {
  const table = new Table(stack, "items", { purpose: "items", partitionKey: { name: "id", type: "S" } });
  const fn = new NodejsFunction(stack, "writer-function", {
    purpose: "writer",
    entry,
    logRetentionDays: 30,
    environment: { TABLE_NAME: table.tableName },
  });
  return { table, fn };
}

function prove(build: (stack: TerraformStack) => void, options: LeastPrivilegeOptions = {}): Finding[] {
  const fixture = fixtureStack();
  build(fixture.stack);
  return [...checkLeastPrivilege(fixture.synth(), options).findings];
}

describe("least privilege, proven on fixture stacks", () => {
  it("passes a function granted exactly what its bundle calls, with logs and traces as named platform needs", () => {
    const fixture = fixtureStack();
    const { table, fn } = writer(fixture.stack);
    table.grantDataOperations(fn.role, "Items", ["PutItem"]);
    const report = checkLeastPrivilege(fixture.synth());
    expect(report.findings).toEqual([]);
    const role = report.roles.find((candidate) => candidate.kind === "lambda");
    expect(role?.needs.map((need) => `${need.action} ${need.source}`)).toEqual([
      "dynamodb:PutItem code",
      "logs:CreateLogStream lambda-logs",
      "logs:PutLogEvents lambda-logs",
      "xray:PutTelemetryRecords lambda-tracing",
      "xray:PutTraceSegments lambda-tracing",
    ]);
    // The client's own endpoint discovery and the credential chain are set aside, each with its reason.
    expect(role?.ignored.map((entry) => entry.operation)).toContain("DynamoDB_20120810.DescribeEndpoints");
    expect(role?.ignored.filter((entry) => entry.reason.startsWith("SDK credential chain"))).toHaveLength(6);
  });

  it("fails a used but ungranted action: it would fail in production", () => {
    const findings = prove((stack) => writer(stack));
    expect(findings).toEqual([
      {
        rule: "not-granted",
        role: "writer-function/role/role",
        message:
          "writer-function needs dynamodb:PutItem (PutItemCommand in writer-function's bundle) but writer-function/role/role does not grant it: " +
          "it would fail in production with AccessDenied",
      },
    ]);
  });

  it("fails a granted but unused action: it should not be granted", () => {
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      table.grantDataOperations(fn.role, "Items", ["PutItem", "GetItem"]);
    });
    expect(findings).toEqual([
      {
        rule: "not-used",
        role: "writer-function/role/role",
        message:
          "writer-function/role/role grants dynamodb:GetItem (statement Items) but writer-function never uses it: " +
          "no command for it in the bundle and no platform need; it should not be granted",
      },
    ]);
  });

  it("fails a write action on a * resource, even when the code calls it", () => {
    const findings = prove((stack) => {
      const { fn } = writer(stack);
      fn.role.addToPolicy({ sid: "AnyTable", actions: ["dynamodb:PutItem"], resources: ["*"] });
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "unscoped-resource", role: "writer-function/role/role" });
    expect(findings[0]?.message).toMatch(
      /^writer-function\/role\/role grants dynamodb:PutItem \(statement AnyTable\) on \*; scope it to the specific table, key, bucket, identity or queue ARN/,
    );
  });

  it("fails a type-wide ARN wildcard the same way as *", () => {
    const findings = prove((stack) => {
      const { fn } = writer(stack);
      fn.role.addToPolicy({ sid: "EveryTable", actions: ["dynamodb:PutItem"], resources: ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*"] });
    });
    expect(findings.map((finding) => finding.rule)).toEqual(["unscoped-resource"]);
  });

  it("fails a wildcard action that covers more than the code uses", () => {
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      fn.role.addToPolicy({ sid: "ItemsAll", actions: ["dynamodb:*"], resources: [table.tableArn] });
    });
    expect(findings).toEqual([
      expect.objectContaining({ rule: "wildcard-action", message: expect.stringContaining("grants dynamodb:* (statement ItemsAll), more than writer-function uses (dynamodb:PutItem)") }),
    ]);
  });

  it("fails a KMS grant through a service the code never calls", () => {
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      table.grantDataOperations(fn.role, "Items", ["PutItem"]);
      new EncryptionKey(stack, "queue-key", { purpose: "queue" }).grantEncryptDecrypt(fn.role, "QueueKey", { viaService: "sqs" });
    });
    expect(findings).toEqual([
      expect.objectContaining({ rule: "not-used", message: expect.stringContaining("grants KMS through sqs (statement QueueKey) but nothing it runs calls sqs") }),
    ]);
  });

  it("fails a KMS companion on a key that encrypts none of the granted resources", () => {
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      table.grantDataOperations(fn.role, "Items", ["PutItem"]);
      new EncryptionKey(stack, "other-key", { purpose: "other" }).grantEncryptDecrypt(fn.role, "OtherKey", { viaService: "dynamodb" });
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "not-used",
        message: expect.stringMatching(/may use key other-key\/key through dynamodb \(statement OtherKey\), but none of the dynamodb resources it is granted is encrypted with that key/),
      }),
    ]);
  });

  it("fails a log grant on a log group the function does not write to", () => {
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      table.grantDataOperations(fn.role, "Items", ["PutItem"]);
      fn.role.addToPolicy({ sid: "OtherLogs", actions: ["logs:PutLogEvents"], resources: ["arn:aws:logs:ap-northeast-2:123456789012:log-group:other:*"] });
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "not-used",
        message: expect.stringContaining("grants logs:PutLogEvents (statement OtherLogs) on arn:aws:logs:ap-northeast-2:123456789012:log-group:other:*, but lambda-logs needs it only on writer-function/log-group/log-group"),
      }),
    ]);
  });

  it("fails an AWS managed policy on a role whose code it reads", () => {
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      table.grantDataOperations(fn.role, "Items", ["PutItem"]);
      new IamRolePolicyAttachment(stack, "managed", { role: fn.role.roleName, policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" });
    });
    expect(findings).toEqual([
      expect.objectContaining({ rule: "managed-policy", message: expect.stringContaining("AmazonDynamoDBFullAccess, which cannot be analysed offline") }),
    ]);
  });

  it("refuses a bundled-not-called entry when the handler's own sources do call the operation", () => {
    const profiles: LeastPrivilegeOptions["profiles"] = {
      "writer-function": {
        entry: QUERY_PAGINATED,
        bundledNotCalled: [{ action: "dynamodb:Query", callers: ["QueryCommand", "paginateQuery"], reason: "fixture: claimed unused" }],
      },
    };
    const findings = prove((stack) => writer(stack, QUERY_PAGINATED), { profiles });
    expect(findings).toContainEqual(
      expect.objectContaining({
        rule: "allow-list",
        message: expect.stringContaining("__tests__/fixtures/proofs/query-paginated/index.ts uses paginateQuery, so dynamodb:Query is called after all"),
      }),
    );
  });

  it("fails a stale bundled-not-called entry", () => {
    const profiles: LeastPrivilegeOptions["profiles"] = {
      "writer-function": { entry: PUT_ITEM, bundledNotCalled: [{ action: "dynamodb:Scan", callers: ["ScanCommand"], reason: "fixture" }] },
    };
    const findings = prove((stack) => {
      const { table, fn } = writer(stack);
      table.grantDataOperations(fn.role, "Items", ["PutItem"]);
    }, { profiles });
    expect(findings).toEqual([
      expect.objectContaining({ rule: "allow-list", message: expect.stringContaining("lists dynamodb:Scan as bundled but not called, but") }),
    ]);
  });

  it("fails an ECS task definition whose code it was not given", () => {
    const fixture = fixtureStack();
    const { table, fn } = writer(fixture.stack);
    table.grantDataOperations(fn.role, "Items", ["PutItem"]);
    const stack = fixture.synth();
    const definition = { "svc_task-definition_1": { "//": { metadata: { path: "fixture/svc/task-definition" } }, container_definitions: "[]", task_role_arn: `\${aws_iam_role.${Object.keys(stack.json.resource?.aws_iam_role ?? {})[0]}.arn}` } };
    const withService = { ...stack, json: { ...stack.json, resource: { ...stack.json.resource, aws_ecs_task_definition: definition } } };
    expect(checkLeastPrivilege(withService).findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: "bundle", message: expect.stringContaining('no bundle was given for task definition svc/task-definition; build the service\'s code and pass it as containerBundles["svc"]') })]),
    );
  });
});
