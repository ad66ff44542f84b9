import { Lazy } from "cdktf";
import { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  dataAwsIamPolicyDocumentStatementToTerraform,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/** A condition block, as IAM writes it: `{ test: "StringEquals", variable: "aws:SourceArn", values: [...] }`. */
export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyPrincipal {
  readonly type: "AWS" | "Service" | "Federated" | "*";
  readonly identifiers: readonly string[];
}

/** One IAM statement. `sid` is required: it names the grant in the policy and in reviews. */
export interface PolicyStatement {
  readonly sid: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources?: readonly string[];
  readonly principals?: readonly PolicyPrincipal[];
  readonly conditions?: readonly PolicyCondition[];
}

/**
 * Something that can be granted permissions: a role. Modules that own a
 * resource expose `grantXxx(grantee)` and call `addToPolicy` with statements
 * scoped to that resource, so callers never write policy JSON.
 */
export interface IGrantee {
  readonly roleArn: string;
  readonly roleName: string;
  addToPolicy(statement: PolicyStatement): void;
}

/**
 * An IAM policy document computed by Terraform locally (`aws_iam_policy_document`),
 * so it stays inspectable in the synthesized JSON and in plans.
 *
 * Statements may be added after construction (a key policy that learns which
 * services use the key, for example); they are read when the stack synthesizes.
 */
export class PolicyDocument extends Construct {
  private readonly statements: PolicyStatement[] = [];
  readonly document: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: { readonly statements?: readonly PolicyStatement[] } = {}) {
    super(scope, id);
    this.statements.push(...(props.statements ?? []));
    this.document = new DataAwsIamPolicyDocument(this, "document", {
      statement: Lazy.anyValue({
        produce: () => {
          if (this.statements.length === 0) {
            throw new Error(`${this.node.path}: a policy document needs at least one statement`);
          }
          return this.statements.map((statement) => dataAwsIamPolicyDocumentStatementToTerraform(toTerraform(statement)));
        },
      }),
    });
  }

  addStatements(...statements: PolicyStatement[]): void {
    for (const statement of statements) {
      if (this.statements.some((existing) => existing.sid === statement.sid)) {
        throw new Error(`${this.node.path}: a statement with sid "${statement.sid}" already exists`);
      }
      this.statements.push(statement);
    }
  }

  /** The rendered policy JSON (a Terraform reference). */
  get json(): string {
    return this.document.json;
  }
}

function toTerraform(statement: PolicyStatement) {
  if (!/^[A-Za-z0-9]+$/.test(statement.sid)) {
    throw new Error(`policy statement sid "${statement.sid}" must be alphanumeric (IAM rejects other characters)`);
  }
  return {
    sid: statement.sid,
    effect: statement.effect ?? "Allow",
    actions: [...statement.actions],
    resources: statement.resources ? [...statement.resources] : undefined,
    principals: statement.principals?.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })),
    condition: statement.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
  };
}

/** The statement every S3 bucket policy in this platform carries: refuse requests not made over TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: "*", identifiers: ["*"] }],
    conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}
