/**
 * What each IAM role of a synthesized stack is granted: its inline policies
 * (`aws_iam_role_policy` -> `${data.aws_iam_policy_document.X.json}` ->
 * statements), customer managed policies attached to it, and AWS managed
 * policies, which cannot be read offline and are only listed.
 */
import {
  asArray,
  asBlock,
  asString,
  asStrings,
  referenceOf,
  resourceAt,
  resourcesOf,
  type Address,
  type Block,
  type LoadedStack,
  type Resource,
} from "./stack";
import {
  MERGE_ATTRIBUTES,
  parsePolicyJson,
  policyValue,
  statementsOfDocument,
  type PolicyStatement,
} from "../../modules/core/synthesized";

/** A normalised statement as the proofs read it: principals dropped (roles' policies have none), sid always set. */
export interface Statement extends Omit<PolicyStatement, "sid" | "principals" | "notPrincipals"> {
  readonly sid: string;
  /** Where the statement comes from: the policy's construct path. */
  readonly policy: string;
}

export interface ManagedPolicy {
  readonly arn: string;
  /** The attachment's construct path. */
  readonly attachedBy: string;
}

export interface RoleGrants {
  readonly role: Resource;
  /** Service principals in the trust policy (`lambda.amazonaws.com`). */
  readonly trustedServices: readonly string[];
  readonly statements: readonly Statement[];
  readonly managedPolicies: readonly ManagedPolicy[];
  /** Policies that cannot be read statically (opaque strings, merged documents). */
  readonly problems: readonly string[];
}

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** Every role of the stack with what it is granted. */
export function readRoles(stack: LoadedStack): RoleGrants[] {
  const roles = resourcesOf(stack, "aws_iam_role");
  const byRole = new Map<Address, { statements: Statement[]; managed: ManagedPolicy[]; problems: string[] }>(
    roles.map((role) => [role.address, { statements: [], managed: [], problems: [] }]),
  );
  const grantsOf = (roleRef: unknown) => {
    const address = referenceOf(roleRef);
    return address ? byRole.get(address) : undefined;
  };

  for (const policy of resourcesOf(stack, "aws_iam_role_policy")) {
    const grants = grantsOf(policy.block.role);
    if (!grants) continue;
    const read = readPolicy(stack, policy.block.policy, policy.path);
    grants.statements.push(...read.statements);
    grants.problems.push(...read.problems);
  }
  for (const attachment of resourcesOf(stack, "aws_iam_role_policy_attachment")) {
    const grants = grantsOf(attachment.block.role);
    if (grants) attach(stack, grants, asString(attachment.block.policy_arn) ?? "", attachment.path);
  }
  for (const role of roles) {
    const grants = byRole.get(role.address)!;
    for (const inline of asArray(role.block.inline_policy)) {
      const read = readPolicy(stack, asBlock(inline)?.policy, `${role.path} inline_policy`);
      grants.statements.push(...read.statements);
      grants.problems.push(...read.problems);
    }
    for (const arn of asStrings(role.block.managed_policy_arns)) attach(stack, grants, arn, `${role.path} managed_policy_arns`);
  }

  return roles.map((role) => {
    const grants = byRole.get(role.address)!;
    const trust = readPolicy(stack, role.block.assume_role_policy, `${role.path} trust`);
    return {
      role,
      trustedServices: trust.principals,
      statements: grants.statements,
      managedPolicies: grants.managed,
      problems: grants.problems,
    };
  });
}

function attach(stack: LoadedStack, grants: { statements: Statement[]; managed: ManagedPolicy[]; problems: string[] }, arn: string, where: string): void {
  if (AWS_MANAGED_POLICY.test(arn)) {
    grants.managed.push({ arn, attachedBy: where });
    return;
  }
  const policy = referenceOf(arn);
  const resource = policy?.startsWith("aws_iam_policy.") ? resourceAt(stack, policy) : undefined;
  if (!resource) {
    grants.problems.push(`${where}: policy ${arn} is neither an AWS managed policy nor an aws_iam_policy of this stack; it cannot be analysed`);
    return;
  }
  const read = readPolicy(stack, resource.block.policy, resource.path);
  grants.statements.push(...read.statements);
  grants.problems.push(...read.problems);
}

interface ReadPolicy {
  readonly statements: Statement[];
  readonly principals: string[];
  readonly problems: string[];
}

/** A policy value: a `${data.aws_iam_policy_document.X.json}` reference or a literal JSON document. */
function readPolicy(stack: LoadedStack, value: unknown, where: string): ReadPolicy {
  const text = asString(value) ?? "";
  const policy = policyValue(text);
  if (policy?.kind === "document" && policy.attribute === "json") {
    const document = resourceAt(stack, policy.address);
    if (!document) return { statements: [], principals: [], problems: [`${where}: ${policy.address} is missing`] };
    const problems = MERGE_ATTRIBUTES.filter((merged) => document.block[merged] !== undefined).map(
      (merged) => `${where}: ${document.path} merges ${merged}, which this check cannot read`,
    );
    return { ...fromStatements(statementsOfDocument(document.block), where), problems };
  }
  const statements = parsePolicyJson(text);
  if (statements) return { ...fromStatements(statements, where), problems: [] };
  return {
    statements: [],
    principals: [],
    problems: [`${where}: the policy is not a policy document data source or literal JSON (${text.slice(0, 60)}); build it with PolicyDocument so it can be inspected`],
  };
}

/** The proofs' view of normalised statements: where each comes from, and the service principals trusted. */
function fromStatements(statements: readonly PolicyStatement[], where: string): Omit<ReadPolicy, "problems"> {
  return {
    statements: statements.map(({ sid, principals: _principals, notPrincipals: _notPrincipals, ...rest }) => ({ ...rest, sid: sid ?? "", policy: where })),
    principals: statements.flatMap((statement) =>
      statement.principals.filter((principal) => principal.type === "Service").flatMap((principal) => principal.identifiers),
    ),
  };
}
