import { describe, expect, it } from "vitest";
import { isUnscopedResource } from "../../scripts/proofs/least-privilege";
import { actionMatches, iamActionsFor } from "../../scripts/proofs/iam-mapping";
import { scanBundle } from "../../scripts/proofs/sdk-operations";

const ops = (code: string) => scanBundle(code).operations.map((operation) => `${operation.service}.${operation.operation}`);

describe("scanBundle", () => {
  it("reads minified command builders and classes (what a Lambda zip holds)", () => {
    const code =
      'var LK=mr(hK,"TrentService","KMSClient",Gr),MK={};var Nh=class extends LK(MK,jK,"Sign",PK){};' +
      'Jt=mr(sO,"DynamoDB_20120810","DynamoDBClient",Gr);var ef=class extends Jt(Ln,nn,"PutItem",qN){};' +
      'serviceId:e?.serviceId??"KMS",serviceId:e?.serviceId??"DynamoDB"';
    expect(ops(code)).toEqual(["DynamoDB_20120810.PutItem", "TrentService.Sign"]);
    expect(scanBundle(code).unrecognisedClients).toEqual([]);
  });

  it("reads the readable form, where a CommonJS bundle may define `command` once per client scope", () => {
    const code = [
      'var command = makeBuilder(commonParams, "TrentService", "KMSClient", getEndpointPlugin);',
      'var GetPublicKeyCommand = class extends command(_ep0, _mw0, "GetPublicKey", GetPublicKey$) {};',
      'var command = makeBuilder(commonParams, "DynamoDB_20120810", "DynamoDBClient", getEndpointPlugin);',
      'var QueryCommand = class extends command(_ep3, _mw0, "Query", Query$) {};',
    ].join("\n");
    expect(ops(code)).toEqual(["DynamoDB_20120810.Query", "TrentService.GetPublicKey"]);
  });

  it("reads the older `.s(service, operation)` form", () => {
    expect(ops('o=class extends Command.classBuilder().s("DynamoDB_20120810","PutItem",{}).n("DynamoDBClient","PutItemCommand")')).toEqual([
      "DynamoDB_20120810.PutItem",
    ]);
  });

  it("flags clients configured in the bundle whose commands it cannot recognise", () => {
    const code = 'serviceId:e?.serviceId??"SQS"; class extends somethingNew("SendMessage")';
    expect(scanBundle(code)).toEqual({ operations: [], unrecognisedClients: ["SQS"] });
  });
});

describe("iamActionsFor", () => {
  it("maps shape ids to IAM prefixes, SES v2 to ses", () => {
    expect(iamActionsFor("DynamoDB_20120810", "PutItem")).toEqual({ kind: "actions", actions: ["dynamodb:PutItem"] });
    expect(iamActionsFor("TrentService", "GetPublicKey")).toEqual({ kind: "actions", actions: ["kms:GetPublicKey"] });
    expect(iamActionsFor("SimpleEmailService_v2", "SendEmail")).toEqual({ kind: "actions", actions: ["ses:SendEmail"] });
    expect(iamActionsFor("DynamoDB_20120810", "TransactGetItems")).toEqual({ kind: "actions", actions: ["dynamodb:GetItem"] });
  });

  it("sets aside the credential chain's clients and the client's own endpoint discovery, with reasons", () => {
    expect(iamActionsFor("AWSSecurityTokenServiceV20110615", "AssumeRoleWithWebIdentity").kind).toBe("credential-client");
    expect(iamActionsFor("DynamoDB_20120810", "DescribeEndpoints")).toMatchObject({ kind: "sdk-internal", reason: expect.stringContaining("endpointDiscoveryEnabled") });
  });

  it("refuses to guess an unknown service or a per-statement operation", () => {
    expect(iamActionsFor("AmazonSQS", "SendMessage")).toMatchObject({ kind: "unmapped", problem: expect.stringContaining('service shape "AmazonSQS"') });
    expect(iamActionsFor("DynamoDB_20120810", "ExecuteStatement")).toMatchObject({ kind: "unmapped", problem: expect.stringContaining("authorizes per statement") });
  });
});

describe("IAM patterns", () => {
  it("matches actions case-insensitively with * and ?", () => {
    expect(actionMatches("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext")).toBe(true);
    expect(actionMatches("dynamodb:putitem", "dynamodb:PutItem")).toBe(true);
    expect(actionMatches("dynamodb:Get?tem", "dynamodb:GetItem")).toBe(true);
    expect(actionMatches("dynamodb:Get*", "dynamodb:PutItem")).toBe(false);
  });

  it("treats * and type-wide ARNs as unscoped, specific ARNs and log-stream suffixes as scoped", () => {
    expect(isUnscopedResource("*")).toBe(true);
    expect(isUnscopedResource("arn:aws:s3:::*")).toBe(true);
    expect(isUnscopedResource("arn:aws:dynamodb:ap-northeast-2:123456789012:table/*")).toBe(true);
    expect(isUnscopedResource("arn:aws:logs:ap-northeast-2:123456789012:log-group:*")).toBe(true);
    expect(isUnscopedResource("${aws_cloudwatch_log_group.x.arn}:*")).toBe(false);
    expect(isUnscopedResource("arn:aws:ecs:ap-northeast-2:123456789012:task-definition/${aws_ecs_task_definition.x.family}:*")).toBe(false);
    expect(isUnscopedResource("${aws_dynamodb_table.x.arn}")).toBe(false);
  });
});
