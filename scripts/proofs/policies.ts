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

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly conditions: readonly Condition[];
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
  const documentRef = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.json\}$/.exec(text)?.[1];
  if (documentRef) {
    const document = resourceAt(stack, documentRef);
    if (!document) return { statements: [], principals: [], problems: [`${where}: ${documentRef} is missing`] };
    return readDocument(document, where);
  }
  try {
    return readJsonPolicy(JSON.parse(text) as Block, where);
  } catch {
    return {
      statements: [],
      principals: [],
      problems: [`${where}: the policy is not a policy document data source or literal JSON (${text.slice(0, 60)}); build it with PolicyDocument so it can be inspected`],
    };
  }
}

function readDocument(document: Resource, where: string): ReadPolicy {
  const problems: string[] = [];
  for (const merged of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
    if (document.block[merged] !== undefined) problems.push(`${where}: ${document.path} merges ${merged}, which this check cannot read`);
  }
  const statements: Statement[] = [];
  const principals: string[] = [];
  for (const raw of asArray(document.block.statement)) {
    const statement = asBlock(raw) ?? {};
    for (const principal of asArray(statement.principals)) {
      const block = asBlock(principal);
      if (block?.type === "Service") principals.push(...asStrings(block.identifiers));
    }
    statements.push({
      sid: asString(statement.sid) ?? "",
      effect: statement.effect === "Deny" ? "Deny" : "Allow",
      actions: asStrings(statement.actions),
      notActions: asStrings(statement.not_actions),
      resources: asStrings(statement.resources),
      notResources: asStrings(statement.not_resources),
      conditions: asArray(statement.condition).map((condition) => {
        const block = asBlock(condition) ?? {};
        return { test: asString(block.test) ?? "", variable: asString(block.variable) ?? "", values: asStrings(block.values) };
      }),
      policy: where,
    });
  }
  return { statements, principals, problems };
}

function readJsonPolicy(document: Block, where: string): ReadPolicy {
  const statements: Statement[] = [];
  const principals: string[] = [];
  for (const raw of asArray(document.Statement)) {
    const statement = asBlock(raw) ?? {};
    const principal = asBlock(statement.Principal);
    if (principal) principals.push(...asStrings(principal.Service));
    const conditions: Condition[] = [];
    for (const [test, byVariable] of Object.entries(asBlock(statement.Condition) ?? {})) {
      for (const [variable, values] of Object.entries(asBlock(byVariable) ?? {})) conditions.push({ test, variable, values: asStrings(values) });
    }
    statements.push({
      sid: asString(statement.Sid) ?? "",
      effect: statement.Effect === "Deny" ? "Deny" : "Allow",
      actions: asStrings(statement.Action),
      notActions: asStrings(statement.NotAction),
      resources: asStrings(statement.Resource),
      notResources: asStrings(statement.NotResource),
      conditions,
      policy: where,
    });
  }
  return { statements, principals, problems: [] };
}
