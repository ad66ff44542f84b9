import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { PolicyDocument, type PolicyCondition, type PolicyStatement } from "../../modules/core/policy";
import { GithubOidcTrustNarrowed } from "../../modules/guardrails/rules/iam/GithubOidcTrustNarrowed";
import { IamManagedPolicyAllowList } from "../../modules/guardrails/rules/iam/IamManagedPolicyAllowList";
import { IamNoWildcardActions } from "../../modules/guardrails/rules/iam/IamNoWildcardActions";
import { IamNoWildcardPrincipals } from "../../modules/guardrails/rules/iam/IamNoWildcardPrincipals";
import { IamNoWildcardResourceOnWrite } from "../../modules/guardrails/rules/iam/IamNoWildcardResourceOnWrite";
import { ServiceRole } from "../../modules/iam-role";
import { describeRules } from "./cases";
import { expectCompliant, expectNotApplicable, expectViolation } from "./support";

const TABLE_ARN = "arn:aws:dynamodb:ap-northeast-2:123456789012:table/taskboard-test-users";

/** A Lambda role from the platform's module with one scoped grant: the compliant shape. */
function serviceRole(stack: TerraformStack): ServiceRole {
  const role = new ServiceRole(stack, "role", { purpose: "worker", assumedBy: ["lambda.amazonaws.com"] });
  role.addToPolicy({ sid: "ReadUsers", actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [TABLE_ARN] });
  return role;
}

/** A role policy holding one statement (through a policy document, as the platform builds them). */
function rolePolicy(stack: TerraformStack, statement: PolicyStatement): string {
  const role = new IamRole(stack, "raw-role", {
    name: "raw",
    assumeRolePolicy: new PolicyDocument(stack, "trust", {
      statements: [{ sid: "Lambda", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
    }).json,
  });
  new IamRolePolicy(stack, "raw-policy", { role: role.id, name: "raw", policy: new PolicyDocument(stack, "raw-document", { statements: [statement] }).json });
  return "test/raw-policy";
}

function githubRole(stack: TerraformStack, conditions: readonly PolicyCondition[], actions = ["sts:AssumeRoleWithWebIdentity"]): string {
  const provider = new IamOpenidConnectProvider(stack, "github", { url: "https://token.actions.githubusercontent.com", clientIdList: ["sts.amazonaws.com"] });
  const trust = new PolicyDocument(stack, "github-trust", {
    statements: [{ sid: "TrustGithub", actions, principals: [{ type: "Federated", identifiers: [provider.arn] }], conditions }],
  });
  new IamRole(stack, "deploy", { name: "deploy", assumeRolePolicy: trust.json });
  return "test/deploy";
}

const AUD = { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] };
const SUB = (test: string, value: string) => ({ test, variable: "token.actions.githubusercontent.com:sub", values: [value] });

describeRules([
  {
    rule: IamNoWildcardActions,
    compliant: (s) => (serviceRole(s), "test/role/policy-ReadUsers"),
    noncompliant: (s) => rolePolicy(s, { sid: "Everything", actions: ["dynamodb:*"], resources: [TABLE_ARN] }),
    detail: /statement Everything allows dynamodb:\*/,
  },
  {
    rule: IamNoWildcardResourceOnWrite,
    compliant: (s) => (serviceRole(s), "test/role/policy-ReadUsers"),
    noncompliant: (s) => rolePolicy(s, { sid: "AnyTable", actions: ["dynamodb:PutItem"], resources: ["*"] }),
    detail: /statement AnyTable allows dynamodb:PutItem on every resource/,
  },
  {
    rule: IamNoWildcardPrincipals,
    compliant: (s) => (serviceRole(s), "test/role/role"),
    noncompliant: (s) => {
      const policy = new PolicyDocument(s, "bucket-policy-document", {
        statements: [{ sid: "Public", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::site/*"], principals: [{ type: "AWS", identifiers: ["*"] }] }],
      });
      new S3BucketPolicy(s, "bucket-policy", { bucket: "site", policy: policy.json });
      return "test/bucket-policy";
    },
    detail: /policy allows any principal in statement\(s\) Public/,
  },
  {
    rule: IamManagedPolicyAllowList,
    compliant: (s) => {
      const role = serviceRole(s);
      new IamRolePolicyAttachment(s, "ssm", { role: role.roleName, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" });
      return "test/ssm";
    },
    noncompliant: (s) => {
      const role = serviceRole(s);
      new IamRolePolicyAttachment(s, "admin", { role: role.roleName, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      return "test/admin";
    },
    detail: /AdministratorAccess is not on the allow-list/,
  },
  {
    rule: GithubOidcTrustNarrowed,
    compliant: (s) => githubRole(s, [AUD, SUB("StringEquals", "repo:example-org/taskboard:environment:prod")]),
    noncompliant: (s) => githubRole(s, [AUD, SUB("StringLike", "repo:example-org/*")]),
    detail: /matches :sub with StringLike \(repo:example-org\/\*\); use StringEquals/,
  },
]);

describe("IAM rule details", () => {
  it("TB-IAM-1 fails `*` and NotAction grants", () => {
    expectViolation(IamNoWildcardActions, (s) => rolePolicy(s, { sid: "Admin", actions: ["*"], resources: ["*"] }), /allows \*/);
  });

  it("TB-IAM-1 judges customer managed policies too, and cannot be satisfied by an unreadable policy", () => {
    expectViolation(
      IamNoWildcardActions,
      (s) => (new IamPolicy(s, "literal", { name: "literal", policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' }), "test/literal"),
      /allows s3:\*/,
    );
    expectViolation(
      IamNoWildcardActions,
      (s) => (new IamPolicy(s, "opaque", { name: "opaque", policy: "${jsonencode(local.policy)}" }), "test/opaque"),
      /cannot be read; build it as a PolicyDocument/,
    );
  });

  it("TB-IAM-2 allows reads and the few write actions AWS authorizes only on `*`", () => {
    expectCompliant(IamNoWildcardResourceOnWrite, (s) => rolePolicy(s, { sid: "Traces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] }));
    expectCompliant(IamNoWildcardResourceOnWrite, (s) => rolePolicy(s, { sid: "Token", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] }));
  });

  it("TB-IAM-2 accepts a `*` write confined by a tag condition", () => {
    expectCompliant(IamNoWildcardResourceOnWrite, (s) =>
      rolePolicy(s, {
        sid: "CreateTagged",
        actions: ["ec2:CreateVpc"],
        resources: ["*"],
        conditions: [{ test: "StringEquals", variable: "aws:RequestTag/Environment", values: ["test"] }],
      }),
    );
  });

  it("TB-IAM-3 allows `*` in Deny statements (TLS-only policies) and fails public Lambda permissions", () => {
    expectCompliant(IamNoWildcardPrincipals, (s) => {
      const policy = new PolicyDocument(s, "tls-document", {
        statements: [
          {
            sid: "DenyInsecureTransport",
            effect: "Deny",
            actions: ["s3:*"],
            resources: ["arn:aws:s3:::site", "arn:aws:s3:::site/*"],
            principals: [{ type: "*", identifiers: ["*"] }],
            conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
        ],
      });
      new S3BucketPolicy(s, "tls", { bucket: "site", policy: policy.json });
      return "test/tls";
    });
    expectViolation(
      IamNoWildcardPrincipals,
      (s) => (new LambdaPermission(s, "public", { action: "lambda:InvokeFunction", functionName: "f", principal: "*" }), "test/public"),
      /any principal invoke/,
    );
  });

  it("TB-IAM-3 fails a trust policy that lets anyone assume the role", () => {
    expectViolation(
      IamNoWildcardPrincipals,
      (s) => {
        const trust = new PolicyDocument(s, "open-trust", { statements: [{ sid: "Anyone", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] }] });
        new IamRole(s, "open", { name: "open", assumeRolePolicy: trust.json });
        return "test/open";
      },
      /assume_role_policy allows any principal in statement\(s\) Anyone/,
    );
  });

  it("TB-IAM-3 fails an interface endpoint policy open to any principal, and passes one naming a role", () => {
    const endpoint = (s: TerraformStack, id: string, identifiers: string[]) => {
      const policy = new PolicyDocument(s, `${id}-policy`, {
        statements: [{ sid: "Through", actions: ["kms:GetPublicKey"], resources: ["*"], principals: [{ type: "AWS", identifiers }] }],
      });
      new VpcEndpoint(s, id, { vpcId: "vpc-1", serviceName: "com.amazonaws.ap-northeast-2.kms", vpcEndpointType: "Interface", policy: policy.json });
      return `test/${id}`;
    };
    expectViolation(IamNoWildcardPrincipals, (s) => endpoint(s, "open-endpoint", ["*"]), /policy allows any principal in statement\(s\) Through/);
    expectCompliant(IamNoWildcardPrincipals, (s) => endpoint(s, "role-endpoint", ["arn:aws:iam::123456789012:role/taskboard-test-tasks"]));
  });

  it("TB-IAM-4 fails a policy from outside the stack, which cannot be inspected", () => {
    expectViolation(
      IamManagedPolicyAllowList,
      (s) => (new IamRolePolicyAttachment(s, "outside", { role: "r", policyArn: "arn:aws:iam::123456789012:policy/legacy" }), "test/outside"),
      /not a policy of this stack/,
    );
  });

  it("TB-IAM-5 requires the audience and an exact environment subject", () => {
    expectViolation(GithubOidcTrustNarrowed, (s) => githubRole(s, [SUB("StringEquals", "repo:example-org/taskboard:environment:prod")]), /does not require token\.actions\.githubusercontent\.com:aud/);
    expectViolation(GithubOidcTrustNarrowed, (s) => githubRole(s, [AUD]), /does not pin token\.actions\.githubusercontent\.com:sub with StringEquals/);
    expectViolation(GithubOidcTrustNarrowed, (s) => githubRole(s, [AUD, SUB("StringEquals", "repo:example-org/taskboard:ref:refs/heads/main")]), /not repo:<owner>\/<repo>:environment:<env>/);
    expectViolation(GithubOidcTrustNarrowed, (s) => githubRole(s, [AUD, SUB("StringEquals", "repo:example-org/*:environment:prod")]), /not repo:/);
    expectViolation(
      GithubOidcTrustNarrowed,
      (s) => githubRole(s, [AUD, SUB("StringEquals", "repo:example-org/taskboard:environment:prod")], ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:AssumeRole"]),
      /not only sts:AssumeRoleWithWebIdentity/,
    );
  });

  it("TB-IAM-5 recognises GitHub's provider by a literal ARN too, and ignores roles GitHub cannot assume", () => {
    expectViolation(
      GithubOidcTrustNarrowed,
      (s) => {
        const trust = new PolicyDocument(s, "literal-trust", {
          statements: [
            {
              sid: "TrustGithub",
              actions: ["sts:AssumeRoleWithWebIdentity"],
              principals: [{ type: "Federated", identifiers: ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"] }],
              conditions: [AUD],
            },
          ],
        });
        new IamRole(s, "literal", { name: "literal", assumeRolePolicy: trust.json });
        return "test/literal";
      },
      /does not pin/,
    );
    expectNotApplicable(GithubOidcTrustNarrowed, (s) => (serviceRole(s), "test/role/role"));
  });
});
