/**
 * The commit an environment runs: the newest GitHub deployment to it whose
 * latest status is `success` (deploy jobs name the environment, so GitHub
 * records one per run). The drift check plans that commit, not `main`: a
 * merge still waiting for prod's reviewers is not drift.
 *
 *   node --import tsx scripts/delivery/deployed-commit.ts --repo owner/name --environment prod [--fallback <sha>]
 *
 * Prints the sha; with no successful deployment it prints --fallback, or fails.
 * Reads GITHUB_TOKEN (and GITHUB_API_URL).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { restClient, type Deployment, type DeploymentStatus, type GithubClient } from "./lib/github";

/** Pure: the first deployment (newest first) whose newest status is success. */
export function lastSuccessful(deployments: readonly (Deployment & { readonly statuses: readonly DeploymentStatus[] })[]): Deployment | undefined {
  const newestFirst = [...deployments].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
  return newestFirst.find((deployment) => {
    const latest = [...deployment.statuses].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
    return latest?.state === "success";
  });
}

export async function deployedCommit(client: GithubClient, environment: string): Promise<string | undefined> {
  const deployments = await client.listDeployments(environment);
  for (const deployment of deployments) {
    const found = lastSuccessful([{ ...deployment, statuses: await client.listDeploymentStatuses(deployment.id) }]);
    if (found) return found.sha;
  }
  return undefined;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { repo: { type: "string" }, environment: { type: "string" }, fallback: { type: "string" } } });
  if (!values.repo || !values.environment) {
    console.error("usage: deployed-commit.ts --repo owner/name --environment <env> [--fallback <sha>]");
    return 2;
  }
  const token = process.env.GITHUB_TOKEN;
  if (!token) throw new Error("GITHUB_TOKEN is not set");
  const client = restClient({ repository: values.repo, token, ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}) });
  const sha = (await deployedCommit(client, values.environment)) ?? values.fallback;
  if (!sha) throw new Error(`no successful deployment to ${values.environment} and no --fallback`);
  process.stdout.write(`${sha}\n`);
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
