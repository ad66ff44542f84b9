import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { PlatformContext } from "../../core/context";
import { PolicyDocument, type IGrantee, type PolicyStatement } from "../../core/policy";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../defaults";

export interface CiRoleProps {
  /** `plan` or `deploy`: names the role `taskboard-<env>-ci-<kind>`. */
  readonly kind: string;
  readonly providerArn: string;
  /** The exact OIDC `sub` the role trusts: `repo:<owner>/<name>:environment:<github environment>`. */
  readonly subject: string;
  readonly maxSessionSeconds: number;
  readonly description: string;
}

/**
 * A role GitHub Actions assumes with its OIDC token. Small grants from the
 * modules that own a resource (the state bucket) arrive through
 * `addToPolicy` as inline policies; the large service policies are customer
 * managed policies (6,144 characters each, where all inline policies of a
 * role share 10,240).
 */
export class CiRole extends Construct implements IGrantee {
  readonly role: IamRole;
  readonly roleArn: string;
  readonly roleName: string;
  readonly managedPolicies: IamPolicy[] = [];
  private readonly inline = new Map<string, IamRolePolicy>();
  private readonly kind: string;

  constructor(scope: Construct, id: string, props: CiRoleProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    this.kind = props.kind;
    const trust = new PolicyDocument(this, "trust", {
      statements: [
        {
          sid: "TrustGithubEnvironment",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [props.providerArn] }],
          conditions: [
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: [GITHUB_OIDC_AUDIENCE] },
            // StringEquals, never StringLike: a wildcard here is how OIDC trusts end up admitting every repository.
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [props.subject] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: platform.name(`ci-${props.kind}`, { maxLength: 64 }),
      description: props.description,
      assumeRolePolicy: trust.json,
      maxSessionDuration: props.maxSessionSeconds,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
  }

  /** One inline policy per grant, named after its sid (the IGrantee contract other modules' grants use). */
  addToPolicy(statement: PolicyStatement): void {
    if (this.inline.has(statement.sid)) {
      throw new Error(`${this.node.path}: the role already has a grant named "${statement.sid}"`);
    }
    const document = new PolicyDocument(this, `grant-${statement.sid}`, { statements: [statement] });
    this.inline.set(
      statement.sid,
      new IamRolePolicy(this, `policy-${statement.sid}`, { name: statement.sid, role: this.role.id, policy: document.json }),
    );
  }

  /** A customer managed policy `taskboard-<env>-ci-<kind>-<purpose>` holding `statements`, attached to this role. */
  attachPolicy(purpose: string, description: string, statements: readonly PolicyStatement[]): IamPolicy {
    const platform = PlatformContext.of(this);
    const document = new PolicyDocument(this, `${purpose}-document`, { statements });
    const policy = new IamPolicy(this, `${purpose}-policy`, {
      name: platform.name(`ci-${this.kind}-${purpose}`, { maxLength: 128 }),
      description,
      policy: document.json,
    });
    new IamRolePolicyAttachment(this, `${purpose}-attachment`, { role: this.role.name, policyArn: policy.arn });
    this.managedPolicies.push(policy);
    return policy;
  }
}
