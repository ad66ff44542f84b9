import type { PolicyCondition, PolicyPrincipal, PolicyStatement } from "../../core/synthesized";

export type { PolicyCondition, PolicyPrincipal, PolicyStatement } from "../../core/synthesized";

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
