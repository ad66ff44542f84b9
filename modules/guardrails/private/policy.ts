import { blocks, isRecord, str, strs, type Json } from "./values";

export interface PolicyPrincipal {
  /** `AWS`, `Service`, `Federated`, or `*` (anyone). */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** One IAM statement, the same shape whether it came from a policy document data source or from JSON. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly PolicyPrincipal[];
  readonly notPrincipals: readonly PolicyPrincipal[];
  readonly conditions: readonly PolicyCondition[];
}

/** Statements of an `aws_iam_policy_document` data source (its own `statement` blocks only). */
export function statementsOfDocument(attributes: Json): PolicyStatement[] {
  return blocks(attributes.statement).map((s) => ({
    ...(str(s.sid) !== undefined ? { sid: str(s.sid) } : {}),
    effect: str(s.effect) === "Deny" ? "Deny" : "Allow",
    actions: strs(s.actions),
    notActions: strs(s.not_actions),
    resources: strs(s.resources),
    notResources: strs(s.not_resources),
    principals: blocks(s.principals).map((p) => ({ type: str(p.type) ?? "", identifiers: strs(p.identifiers) })),
    notPrincipals: blocks(s.not_principals).map((p) => ({ type: str(p.type) ?? "", identifiers: strs(p.identifiers) })),
    conditions: blocks(s.condition).map((c) => ({ test: str(c.test) ?? "", variable: str(c.variable) ?? "", values: strs(c.values) })),
  }));
}

/** Statements of a policy written as IAM JSON; undefined when it is not a policy. */
export function parsePolicyJson(text: string): PolicyStatement[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (!statements.every(isRecord)) return undefined;
  return statements.filter(isRecord).map((s) => ({
    ...(str(s.Sid) !== undefined ? { sid: str(s.Sid) } : {}),
    effect: str(s.Effect) === "Deny" ? "Deny" : "Allow",
    actions: strs(s.Action),
    notActions: strs(s.NotAction),
    resources: strs(s.Resource),
    notResources: strs(s.NotResource),
    principals: principalsOfJson(s.Principal),
    notPrincipals: principalsOfJson(s.NotPrincipal),
    conditions: conditionsOfJson(s.Condition),
  }));
}

function principalsOfJson(value: unknown): PolicyPrincipal[] {
  if (value === "*") return [{ type: "*", identifiers: ["*"] }];
  if (!isRecord(value)) return [];
  return Object.entries(value).map(([type, identifiers]) => ({ type, identifiers: strs(identifiers) }));
}

function conditionsOfJson(value: unknown): PolicyCondition[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([test, variables]) =>
    isRecord(variables)
      ? Object.entries(variables).map(([variable, values]) => ({ test, variable, values: strs(values) }))
      : [],
  );
}

/** Anyone: `"Principal": "*"`, `{"AWS": "*"}`, or a document's `principals { type = "*" }`. */
export function isAnyone(principal: PolicyPrincipal): boolean {
  return principal.type === "*" || ((principal.type === "AWS" || principal.type === "*") && principal.identifiers.includes("*"));
}

/** `*`, `s3:*`, `s3:*Object*`-style patterns that cover every action of a service. */
export function isServiceWildcard(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** A resource pattern that matches every resource (`*`, or an ARN whose every segment after the service is a wildcard). */
export function isAnyResource(resource: string): boolean {
  return resource === "*" || /^arn:(aws|\*|\$\{[^}]+\}):[a-z0-9-]+:\*?:\*?:\*$/.test(resource);
}

/** Conditions on one variable, across tests (`StringEquals`, `ForAnyValue:StringLike`, ...). */
export function conditionsOn(statement: PolicyStatement, variable: string): PolicyCondition[] {
  return statement.conditions.filter((c) => c.variable.toLowerCase() === variable.toLowerCase());
}
