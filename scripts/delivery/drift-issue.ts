/**
 * Keeps one GitHub issue per environment in step with the drift check: opened
 * (or updated) while there is real drift, closed once the environment is
 * clean again. Expected runtime drift alone never opens one.
 *
 *   node --import tsx scripts/delivery/drift-issue.ts --result drift.json --summary drift.md --repo owner/name [--run-url URL] [--dry-run]
 *
 * `--result` and `--summary` are drift-classify.ts's outputs. Reads GITHUB_TOKEN (and GITHUB_API_URL).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { DriftReport, DriftStatus } from "./drift-classify";
import { dryRunClient, isAutomation, restClient, type GithubClient, type Issue } from "./lib/github";

export const DRIFT_LABEL = "drift";

export function issueMarker(environment: string): string {
  return `<!-- taskboard:drift:${environment} -->`;
}

export type IssueAction =
  | { readonly kind: "none" }
  | { readonly kind: "create"; readonly title: string; readonly body: string }
  | { readonly kind: "update"; readonly issueNumber: number; readonly title: string; readonly body: string }
  | { readonly kind: "close"; readonly issueNumber: number; readonly comment: string };

/**
 * What to do with the environment's issue, given the open issues labelled
 * `drift`. Only the automation's own issue (marker + bot author) counts.
 */
export function decideIssueAction(
  openIssues: readonly Issue[],
  environment: string,
  status: DriftStatus,
  summary: string,
  runUrl?: string,
): IssueAction {
  const marker = issueMarker(environment);
  const existing = openIssues
    .filter((issue) => issue.state === "open" && isAutomation(issue.user) && (issue.body ?? "").startsWith(marker))
    .sort((a, b) => a.number - b.number)[0];
  if (status !== "drift") {
    if (!existing) return { kind: "none" };
    const what = status === "allowed" ? "only expected runtime drift remains" : "no drift";
    return { kind: "close", issueNumber: existing.number, comment: `Resolved: ${what} in \`${environment}\`.${runUrl ? ` ${runUrl}` : ""}` };
  }
  const title = `Drift in ${environment}: AWS differs from the deployed configuration`;
  const body = [
    marker,
    `The scheduled drift check found changes in **${environment}** that Terraform did not make.`,
    "This issue is updated by every check and closed automatically once the environment is clean.",
    "",
    summary.trim(),
    "",
  ].join("\n");
  return existing ? { kind: "update", issueNumber: existing.number, title, body } : { kind: "create", title, body };
}

export async function syncDriftIssue(client: GithubClient, report: DriftReport, summary: string, runUrl?: string): Promise<IssueAction> {
  const open = await client.listIssues({ labels: DRIFT_LABEL, state: "open" });
  const action = decideIssueAction(open, report.environment, report.status, summary, runUrl);
  switch (action.kind) {
    case "create":
      await client.createIssue({ title: action.title, body: action.body, labels: [DRIFT_LABEL] });
      break;
    case "update":
      await client.updateIssue(action.issueNumber, { title: action.title, body: action.body });
      break;
    case "close":
      await client.createIssueComment(action.issueNumber, action.comment);
      await client.updateIssue(action.issueNumber, { state: "closed" });
      break;
    case "none":
      break;
  }
  return action;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      result: { type: "string" },
      summary: { type: "string" },
      repo: { type: "string" },
      "run-url": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!values.result || !values.summary || !values.repo) {
    console.error("usage: drift-issue.ts --result drift.json --summary drift.md --repo owner/name [--run-url URL] [--dry-run]");
    return 2;
  }
  const report = JSON.parse(readFileSync(values.result, "utf8")) as DriftReport;
  const summary = readFileSync(values.summary, "utf8");
  const token = process.env.GITHUB_TOKEN;
  if (!values["dry-run"] && !token) throw new Error("GITHUB_TOKEN is not set; pass --dry-run to print instead");
  const client =
    values["dry-run"] || !token
      ? dryRunClient()
      : restClient({ repository: values.repo, token, ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}) });
  const action = await syncDriftIssue(client, report, summary, values["run-url"]);
  console.log(`${report.environment}: ${report.status}; issue ${action.kind}${"issueNumber" in action ? ` #${action.issueNumber}` : ""}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
