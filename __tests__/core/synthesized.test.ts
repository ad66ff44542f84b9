import { describe, expect, it } from "vitest";
import {
  addressesIn,
  allBlocks,
  blockAt,
  blocksOfType,
  interpolations,
  policyStatements,
  policyValue,
  referencesIn,
  type StackJson,
} from "../../modules/core/synthesized";

const stack: StackJson = {
  resource: {
    aws_s3_bucket: {
      site_bucket_DFA168EB: { bucket: "site", "//": { metadata: { path: "prod/site/bucket", uniqueId: "site_bucket_DFA168EB" } } },
    },
    aws_iam_role: {
      fn_role_0A1B2C3D: { name: "fn", assume_role_policy: "${data.aws_iam_policy_document.trust.json}" },
    },
  },
  data: {
    aws_iam_policy_document: {
      trust: {
        statement: [
          {
            sid: "Assume",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] }],
          },
        ],
      },
      base: { statement: [{ sid: "Read", actions: ["s3:GetObject"], resources: ["${aws_s3_bucket.site_bucket_DFA168EB.arn}/*"] }] },
      merged: {
        statement: { sid: "Own", effect: "Deny", actions: "s3:*", not_resources: ["arn:aws:s3:::x"] },
        source_policy_documents: ["${data.aws_iam_policy_document.base.json}"],
        override_policy_documents: ['{"Statement":{"Sid":"Lit","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}'],
      },
      broken: { source_policy_documents: ["${jsonencode(local.policy)}"] },
      loop: { source_policy_documents: ["${data.aws_iam_policy_document.loop.json}"] },
    },
  },
};

describe("blocks", () => {
  it("lists blocks by type with their addresses and construct paths", () => {
    const [bucket] = blocksOfType(stack, "resource", "aws_s3_bucket");
    expect(bucket).toMatchObject({ kind: "resource", type: "aws_s3_bucket", name: "site_bucket_DFA168EB", address: "aws_s3_bucket.site_bucket_DFA168EB", metadataPath: "prod/site/bucket" });
    expect(blocksOfType(stack, "data", "aws_iam_policy_document").map((b) => b.address)).toContain("data.aws_iam_policy_document.trust");
    expect(allBlocks(stack, "resource").map((b) => b.type)).toEqual(["aws_s3_bucket", "aws_iam_role"]);
    expect(blocksOfType(stack, "resource", "aws_sqs_queue")).toEqual([]);
    expect(blocksOfType("not a stack", "resource", "aws_s3_bucket")).toEqual([]);
  });

  it("resolves resource and data source addresses, and nothing for unknown ones", () => {
    expect(blockAt(stack, "aws_iam_role.fn_role_0A1B2C3D")?.metadataPath).toBeUndefined();
    expect(blockAt(stack, "data.aws_iam_policy_document.trust")?.kind).toBe("data");
    expect(blockAt(stack, "aws_iam_role.missing")).toBeUndefined();
    expect(blockAt(stack, "data.aws_iam_policy_document")).toBeUndefined();
    expect(blockAt(stack, "nonsense")).toBeUndefined();
  });
});

describe("references", () => {
  it("balances nested braces in interpolations", () => {
    expect(interpolations('a ${jsonencode({x = aws_s3_bucket.b.arn})} b ${var.x}')).toEqual(["jsonencode({x = aws_s3_bucket.b.arn})", "var.x"]);
  });

  it("finds references in nested values with the attribute read and the path where they sit", () => {
    const value = { a: [{ b: "${aws_s3_bucket.x.arn}/*" }], c: "${element(aws_sqs_queue.q[*].url, 0)}", "//": "${aws_kms_key.meta.arn}" };
    const found = referencesIn(value);
    expect(found).toEqual([
      { address: "aws_s3_bucket.x", kind: "resource", type: "aws_s3_bucket", name: "x", attribute: "arn", leading: true, path: ["a", "b"] },
      { address: "aws_sqs_queue.q", kind: "resource", type: "aws_sqs_queue", name: "q", attribute: undefined, leading: false, path: ["c"] },
    ]);
  });

  it("reads data source references and ignores what only looks like one", () => {
    const [document] = referencesIn("${data.aws_iam_policy_document.trust.json}");
    expect(document).toMatchObject({ address: "data.aws_iam_policy_document.trust", kind: "data", type: "aws_iam_policy_document", attribute: "json", leading: true });
    expect(referencesIn("${var.aws_thing.x} ${local.settings} aws_s3_bucket.not_interpolated")).toEqual([]);
  });

  it("lists an address once per string and skips top-level attributes on request", () => {
    expect(addressesIn(["${aws_s3_bucket.x.arn} ${aws_s3_bucket.x.id}", "${random_id.r.hex}"])).toEqual(["aws_s3_bucket.x", "random_id.r"]);
    expect(addressesIn({ tags: "${aws_s3_bucket.x.id}", bucket: "${aws_s3_bucket.y.id}" }, { skipAttributes: new Set(["tags"]) })).toEqual(["aws_s3_bucket.y"]);
  });
});

describe("policies", () => {
  it("normalises a policy document's statements, principals and conditions", () => {
    expect(policyStatements(stack, blockAt(stack, "aws_iam_role.fn_role_0A1B2C3D")?.body.assume_role_policy)).toEqual([
      {
        sid: "Assume",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        notActions: [],
        resources: [],
        notResources: [],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        notPrincipals: [],
        conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] }],
      },
    ]);
  });

  it("includes source and override documents, referenced or literal", () => {
    const statements = policyStatements(stack, "${data.aws_iam_policy_document.merged.minified_json}");
    expect(statements?.map((s) => [s.sid, s.effect, s.actions, s.resources, s.notResources])).toEqual([
      ["Own", "Deny", ["s3:*"], [], ["arn:aws:s3:::x"]],
      ["Read", "Allow", ["s3:GetObject"], ["${aws_s3_bucket.site_bucket_DFA168EB.arn}/*"], []],
      ["Lit", "Allow", ["sqs:SendMessage"], ["*"], []],
    ]);
  });

  it("reads literal JSON policies", () => {
    const json = JSON.stringify({
      Statement: [{ Effect: "Deny", NotAction: "iam:*", Principal: "*", NotPrincipal: { AWS: ["arn:aws:iam::1:root"] }, Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });
    expect(policyStatements(stack, ` ${json}`)).toEqual([
      {
        effect: "Deny",
        actions: [],
        notActions: ["iam:*"],
        resources: [],
        notResources: [],
        principals: [{ type: "*", identifiers: ["*"] }],
        notPrincipals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("reads nothing from unknown documents, unreadable inclusions, loops, expressions and non-policies", () => {
    expect(policyStatements(stack, "${data.aws_iam_policy_document.missing.json}")).toBeUndefined();
    expect(policyStatements(stack, "${data.aws_iam_policy_document.broken.json}")).toBeUndefined();
    expect(policyStatements(stack, "${data.aws_iam_policy_document.loop.json}")).toBeUndefined();
    expect(policyStatements(stack, "${jsonencode(local.policy)}")).toBeUndefined();
    expect(policyStatements(stack, '{"Version": "2012-10-17"}')).toBeUndefined();
    expect(policyStatements(stack, "{not json")).toBeUndefined();
    expect(policyStatements(stack, 42)).toBeUndefined();
  });

  it("tells a document reference from other text", () => {
    expect(policyValue("${data.aws_iam_policy_document.trust.json}")).toEqual({ kind: "document", address: "data.aws_iam_policy_document.trust", attribute: "json" });
    expect(policyValue("${data.aws_iam_policy_document.trust.json} ")).toEqual({ kind: "text", text: "${data.aws_iam_policy_document.trust.json} " });
    expect(policyValue(undefined)).toBeUndefined();
  });
});
