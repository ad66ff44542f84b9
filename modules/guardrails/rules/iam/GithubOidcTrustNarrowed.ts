import { checkov, fail, notApplicable, pass, type GuardrailRule } from "../../rule";
import { GITHUB_OIDC } from "../../defaults";
import { conditionsOn, type PolicyStatement } from "../../private/policy";
import type { StackIndex } from "../../private/stack-index";
import { str } from "../../private/values";

export const GithubOidcTrustNarrowed: GuardrailRule = {
  id: "TB-IAM-5",
  name: "GithubOidcTrustNarrowed",
  reason: "A role GitHub Actions assumes must trust one repository's one deployment environment, or any workflow anywhere can take it.",
  level: "required",
  resourceTypes: ["aws_iam_role"],
  references: [checkov("CKV_AWS_358")],
  fix: `use GithubCiAccess (modules/ci-access): the trust pins ${GITHUB_OIDC.host}:aud = ${GITHUB_OIDC.audience} and :sub StringEquals repo:<owner>/<repo>:environment:<env>, never StringLike`,
  check(role, { index }) {
    const statements = index.policyStatements(role.attributes.assume_role_policy);
    if (!statements) return fail("assume_role_policy cannot be read; build it as a PolicyDocument");
    const github = statements.filter((s) => s.effect === "Allow" && trustsGithub(s, index));
    if (github.length === 0) return notApplicable("not assumed through GitHub's OIDC provider");
    const problems = github.flatMap((s) => problemsOf(s));
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};

function trustsGithub(statement: PolicyStatement, index: StackIndex): boolean {
  return statement.principals
    .filter((p) => p.type === "Federated")
    .flatMap((p) => p.identifiers)
    .some((identifier) => {
      if (identifier.endsWith(`oidc-provider/${GITHUB_OIDC.host}`)) return true;
      return index
        .referencedBy(identifier)
        .some((r) => r.type === "aws_iam_openid_connect_provider" && (str(r.attributes.url) ?? "").includes(GITHUB_OIDC.host));
    });
}

function problemsOf(statement: PolicyStatement): string[] {
  const name = statement.sid ?? "(no sid)";
  const problems: string[] = [];
  if (!statement.actions.includes("sts:AssumeRoleWithWebIdentity") || statement.actions.some((a) => a !== "sts:AssumeRoleWithWebIdentity")) {
    problems.push(`statement ${name} allows ${statement.actions.join(", ") || "no action"}, not only sts:AssumeRoleWithWebIdentity`);
  }
  const audience = conditionsOn(statement, `${GITHUB_OIDC.host}:aud`);
  if (!audience.some((c) => c.test === "StringEquals" && c.values.length === 1 && c.values[0] === GITHUB_OIDC.audience)) {
    problems.push(`statement ${name} does not require ${GITHUB_OIDC.host}:aud StringEquals ${GITHUB_OIDC.audience}`);
  }
  const subject = conditionsOn(statement, `${GITHUB_OIDC.host}:sub`);
  const exact = subject.filter((c) => c.test === "StringEquals");
  if (exact.length === 0) {
    problems.push(`statement ${name} does not pin ${GITHUB_OIDC.host}:sub with StringEquals`);
  }
  for (const c of subject.filter((c) => c.test !== "StringEquals")) {
    problems.push(`statement ${name} matches :sub with ${c.test} (${c.values.join(", ")}); use StringEquals`);
  }
  for (const value of exact.flatMap((c) => c.values)) {
    if (!GITHUB_OIDC.subject.test(value)) problems.push(`statement ${name} trusts sub "${value}", not repo:<owner>/<repo>:environment:<env>`);
  }
  return problems;
}
