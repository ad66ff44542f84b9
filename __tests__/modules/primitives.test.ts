import { describe, expect, it } from "vitest";
import { EncryptionKey, SigningKey } from "../../modules/kms";
import { LogGroup } from "../../modules/log-group";
import { ServiceRole } from "../../modules/iam-role";
import { synth, testStack, TEST_ACCOUNT } from "../support/synth";

describe("EncryptionKey", () => {
  it("rotates yearly, waits 30 days before deletion, and delegates to IAM through the account root only", () => {
    const stack = testStack();
    new EncryptionKey(stack, "data-key", { purpose: "data" });
    const out = synth(stack);
    expect(out.resource("aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
    });
    expect(out.resource("aws_kms_alias").name).toBe("alias/taskboard-test-data");
    expect(out.policyStatements("data-key/policy")).toEqual([
      expect.objectContaining({
        sid: "AccountAdministersThroughIam",
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${TEST_ACCOUNT}:root`] }],
      }),
    ]);
  });

  it("limits a grant to one service's calls with kms:ViaService", () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, "data-key", { purpose: "data" });
    const role = new ServiceRole(stack, "fn", { purpose: "fn", assumedBy: ["lambda.amazonaws.com"] });
    key.grantDecrypt(role, "DecryptSecrets", { viaService: "secretsmanager" });
    key.grantEncryptDecrypt(role, "UseDirectly");
    const out = synth(stack);
    expect(out.policyStatements("fn/grant-DecryptSecrets")[0]).toMatchObject({
      actions: ["kms:Decrypt", "kms:DescribeKey"],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.ap-northeast-2.amazonaws.com"] }],
    });
    expect(out.policyStatements("fn/grant-UseDirectly")[0]).not.toHaveProperty("condition");
  });

  it("throws when the deletion window is outside 7 to 30 days", () => {
    expect(() => new EncryptionKey(testStack(), "k", { purpose: "data", deletionWindowDays: 3 })).toThrow(
      /deletionWindowDays must be a whole number from 7 to 30, got 3/,
    );
  });
});

describe("LogGroup", () => {
  it("always has a retention and is encrypted with the stack's one logs key", () => {
    const stack = testStack();
    new LogGroup(stack, "a", { name: "/test/a", retentionDays: 30 });
    new LogGroup(stack, "b", { name: "/test/b", retentionDays: 7 });
    const out = synth(stack);
    const groups = Object.values(out.resources("aws_cloudwatch_log_group"));
    expect(groups.map((g) => g.retention_in_days)).toEqual([30, 7]);
    expect(Object.keys(out.resources("aws_kms_key"))).toHaveLength(1);
    for (const group of groups) expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\.logs-key_[0-9A-F]+\.arn\}$/);
  });

  it("lets CloudWatch Logs use the logs key only for this account's log groups", () => {
    const stack = testStack();
    new LogGroup(stack, "a", { name: "/test/a", retentionDays: 30 });
    const statement = synth(stack)
      .policyStatements("logs-key/policy")
      .find((s) => s.sid === "AllowCloudWatchLogs");
    expect(statement).toMatchObject({
      principals: [{ type: "Service", identifiers: ["logs.ap-northeast-2.amazonaws.com"] }],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [`arn:aws:logs:ap-northeast-2:${TEST_ACCOUNT}:log-group:*`],
        },
      ],
    });
  });

  it("throws when the retention is not one CloudWatch accepts", () => {
    expect(() => new LogGroup(testStack(), "a", { name: "/x", retentionDays: 10 })).toThrow(
      /retentionDays 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7/,
    );
  });
});

describe("ServiceRole", () => {
  it("trusts only the named service from this account and starts with no permissions", () => {
    const stack = testStack();
    new ServiceRole(stack, "fn", { purpose: "fn", assumedBy: ["lambda.amazonaws.com"] });
    const out = synth(stack);
    expect(out.resources("aws_iam_role_policy")).toEqual({});
    expect(out.resources("aws_iam_role_policy_attachment")).toEqual({});
    expect(out.policyStatements("fn/trust")).toEqual([
      {
        sid: "TrustService",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] }],
      },
    ]);
  });

  it("adds one named inline policy per grant", () => {
    const stack = testStack();
    const role = new ServiceRole(stack, "fn", { purpose: "fn", assumedBy: ["lambda.amazonaws.com"] });
    role.addToPolicy({ sid: "ReadThing", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] });
    const out = synth(stack);
    expect(out.resource("aws_iam_role_policy").name).toBe("ReadThing");
    expect(out.policyStatements("fn/grant-ReadThing")).toEqual([
      { sid: "ReadThing", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] },
    ]);
  });

  it("throws when a grant name is reused", () => {
    const role = new ServiceRole(testStack(), "fn", { purpose: "fn", assumedBy: ["lambda.amazonaws.com"] });
    role.addToPolicy({ sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] });
    expect(() => role.addToPolicy({ sid: "Read", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] })).toThrow(
      /already has a grant named "Read"/,
    );
  });

  it("throws when no service may assume it", () => {
    expect(() => new ServiceRole(testStack(), "fn", { purpose: "fn", assumedBy: [] })).toThrow(
      /assumedBy must name at least one service principal/,
    );
  });

  it("throws at synth when a statement id is not alphanumeric", () => {
    const stack = testStack();
    const role = new ServiceRole(stack, "fn", { purpose: "fn", assumedBy: ["lambda.amazonaws.com"] });
    role.addToPolicy({ sid: "read-thing", actions: ["s3:GetObject"], resources: ["*"] });
    expect(() => synth(stack)).toThrow(/sid "read-thing" must be alphanumeric/);
  });
});

describe("SigningKey", () => {
  it("is an ECC P-256 sign/verify key administered only through IAM", () => {
    const stack = testStack();
    new SigningKey(stack, "tokens", { purpose: "token-signing" });
    const out = synth(stack);
    expect(out.resource("aws_kms_key")).toMatchObject({ customer_master_key_spec: "ECC_NIST_P256", key_usage: "SIGN_VERIFY" });
    expect(out.resource("aws_kms_key")).not.toHaveProperty("enable_key_rotation");
    expect(out.resource("aws_kms_alias").name).toBe("alias/taskboard-test-token-signing");
  });

  it("grants signing with ES256's algorithm only, and verifiers only the public key", () => {
    const stack = testStack();
    const key = new SigningKey(stack, "tokens", { purpose: "token-signing" });
    const auth = new ServiceRole(stack, "auth", { purpose: "auth", assumedBy: ["lambda.amazonaws.com"] });
    const api = new ServiceRole(stack, "api", { purpose: "api", assumedBy: ["ecs-tasks.amazonaws.com"] });
    key.grantSign(auth, "SignTokens");
    key.grantVerify(api, "ReadTokenKey");
    const out = synth(stack);
    expect(out.policyStatements("auth/grant-SignTokens")).toEqual([
      {
        sid: "SignTokens",
        effect: "Allow",
        actions: ["kms:Sign"],
        resources: [expect.stringMatching(/^\$\{aws_kms_key\.tokens_key_[0-9A-F]+\.arn\}$/)],
        condition: [{ test: "StringEquals", variable: "kms:SigningAlgorithm", values: ["ECDSA_SHA_256"] }],
      },
    ]);
    expect(out.policyStatements("api/grant-ReadTokenKey")).toEqual([
      { sid: "ReadTokenKey", effect: "Allow", actions: ["kms:GetPublicKey"], resources: [expect.stringMatching(/tokens_key/)] },
    ]);
  });
});
