import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee, type PolicyCondition, type PolicyStatement } from "../core/policy";

export interface ServiceRoleProps {
  /** What the role is for; becomes part of its name (`taskboard-dev-<purpose>`). */
  readonly purpose: string;
  /** Service principals that may assume the role, e.g. `lambda.amazonaws.com`. */
  readonly assumedBy: readonly string[];
  /**
   * Conditions on the trust policy. Use them to stop the confused deputy:
   * `aws:SourceAccount` equal to this account.
   * @default - `aws:SourceAccount` equals the stack's account
   */
  readonly trustConditions?: readonly PolicyCondition[];
  /** AWS managed policies to attach, by ARN. Prefer grants; these exist for service roles AWS defines (EC2 for ECS). */
  readonly managedPolicyArns?: readonly string[];
  readonly description?: string;
}

/**
 * An IAM role assumed by an AWS service. It starts with no permissions:
 * each grant adds one named inline policy, so the role's permissions read as
 * the list of things it was granted.
 */
export class ServiceRole extends Construct implements IGrantee {
  readonly role: IamRole;
  readonly roleArn: string;
  readonly roleName: string;
  /** Attachments of `managedPolicyArns`; depend on them when a service checks the role's permissions at create time. */
  readonly managedPolicyAttachments: readonly IamRolePolicyAttachment[];
  private readonly policies = new Map<string, IamRolePolicy>();

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (props.assumedBy.length === 0) {
      throw new Error(`${this.node.path}: assumedBy must name at least one service principal`);
    }
    const platform = PlatformContext.of(this);
    const trust = new PolicyDocument(this, "trust", {
      statements: [
        {
          sid: "TrustService",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: props.assumedBy }],
          conditions: props.trustConditions ?? [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: platform.name(props.purpose, { maxLength: 64 }),
      description: props.description,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.managedPolicyAttachments = (props.managedPolicyArns ?? []).map(
      (policyArn, index) => new IamRolePolicyAttachment(this, `managed-${index}`, { role: this.role.name, policyArn }),
    );
  }

  /** The inline policies granted so far, one per grant; depend on them to wait until the role may act. */
  get inlinePolicies(): IamRolePolicy[] {
    return [...this.policies.values()];
  }

  /**
   * Adds a statement. Statements are grouped into one inline policy per
   * grant `sid`, named after it, so `terraform plan` shows which grant changed.
   */
  addToPolicy(statement: PolicyStatement): void {
    if (this.policies.has(statement.sid)) {
      throw new Error(`${this.node.path}: the role already has a grant named "${statement.sid}"`);
    }
    const document = new PolicyDocument(this, `grant-${statement.sid}`, { statements: [statement] });
    const policy = new IamRolePolicy(this, `policy-${statement.sid}`, {
      name: statement.sid,
      role: this.role.id,
      policy: document.json,
    });
    this.policies.set(statement.sid, policy);
  }
}
