/**
 * The few GitHub REST calls the delivery scripts make (issue comments and
 * issues), over `fetch` with the workflow's `GITHUB_TOKEN`. A dry-run client
 * prints what it would write and reads from canned data instead.
 */

export interface GithubUser {
  readonly login: string;
  readonly type: string;
}

export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly user: GithubUser | null;
  readonly created_at?: string;
}

export interface Issue {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: "open" | "closed";
  readonly user: GithubUser | null;
  readonly pull_request?: unknown;
}

export interface Deployment {
  readonly id: number;
  readonly sha: string;
  readonly environment: string;
  readonly created_at: string;
}

export interface DeploymentStatus {
  readonly state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  readonly created_at: string;
}

export interface GithubClient {
  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;
  deleteIssueComment(commentId: number): Promise<void>;
  listIssues(options: { readonly labels: string; readonly state: "open" | "closed" | "all" }): Promise<Issue[]>;
  createIssue(issue: { readonly title: string; readonly body: string; readonly labels: readonly string[] }): Promise<Issue>;
  updateIssue(issueNumber: number, patch: { readonly title?: string; readonly body?: string; readonly state?: "open" | "closed" }): Promise<Issue>;
  /** Newest first, as GitHub returns them. */
  listDeployments(environment: string, perPage?: number): Promise<Deployment[]>;
  /** Newest first. */
  listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]>;
}

export class GithubApiError extends Error {
  override name = "GithubApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RestClientOptions {
  /** `owner/name`. */
  readonly repository: string;
  readonly token: string;
  /** @default "https://api.github.com" (GitHub Enterprise sets GITHUB_API_URL) */
  readonly apiUrl?: string;
}

/** The REST client; follows `Link: rel="next"` pagination for lists. */
export function restClient(options: RestClientOptions): GithubClient {
  if (!/^[^/\s]+\/[^/\s]+$/.test(options.repository)) throw new Error(`repository "${options.repository}" must be "<owner>/<name>"`);
  const base = `${(options.apiUrl ?? "https://api.github.com").replace(/\/$/, "")}/repos/${options.repository}`;
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${options.token}`,
    "x-github-api-version": "2022-11-28",
    "content-type": "application/json",
    "user-agent": "taskboard-delivery",
  };

  async function request<T>(method: string, url: string, body?: unknown): Promise<{ data: T; next?: string }> {
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!response.ok) {
      const text = await response.text();
      throw new GithubApiError(response.status, `GitHub ${method} ${url.replace(base, "")}: ${response.status} ${text.slice(0, 300)}`);
    }
    const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    const data = (response.status === 204 ? undefined : await response.json()) as T;
    return next ? { data, next } : { data };
  }

  async function list<T>(url: string): Promise<T[]> {
    const all: T[] = [];
    for (let next: string | undefined = url; next; ) {
      const page: { data: T[]; next?: string } = await request<T[]>("GET", next);
      all.push(...page.data);
      next = page.next;
    }
    return all;
  }

  return {
    listIssueComments: (issueNumber) => list<IssueComment>(`${base}/issues/${issueNumber}/comments?per_page=100`),
    createIssueComment: async (issueNumber, body) => (await request<IssueComment>("POST", `${base}/issues/${issueNumber}/comments`, { body })).data,
    updateIssueComment: async (commentId, body) => (await request<IssueComment>("PATCH", `${base}/issues/comments/${commentId}`, { body })).data,
    deleteIssueComment: async (commentId) => {
      await request<undefined>("DELETE", `${base}/issues/comments/${commentId}`);
    },
    listIssues: ({ labels, state }) =>
      list<Issue>(`${base}/issues?labels=${encodeURIComponent(labels)}&state=${state}&per_page=100`).then((issues) =>
        // The issues endpoint returns pull requests too.
        issues.filter((issue) => issue.pull_request === undefined),
      ),
    createIssue: async (issue) => (await request<Issue>("POST", `${base}/issues`, issue)).data,
    updateIssue: async (issueNumber, patch) => (await request<Issue>("PATCH", `${base}/issues/${issueNumber}`, patch)).data,
    // One page: the newest deployments are the ones that matter.
    listDeployments: async (environment, perPage = 30) =>
      (await request<Deployment[]>("GET", `${base}/deployments?environment=${encodeURIComponent(environment)}&per_page=${perPage}`)).data,
    listDeploymentStatuses: async (deploymentId) =>
      (await request<DeploymentStatus[]>("GET", `${base}/deployments/${deploymentId}/statuses?per_page=10`)).data,
  };
}

/**
 * Prints every write instead of making it; reads return the canned lists
 * (empty by default), so a dry run shows what a first run would do.
 */
export function dryRunClient(
  canned: { readonly comments?: readonly IssueComment[]; readonly issues?: readonly Issue[] } = {},
  log: (line: string) => void = (line) => console.log(line),
): GithubClient {
  const bot: GithubUser = { login: "github-actions[bot]", type: "Bot" };
  const preview = (body: string) => `${body.length} characters, first line: ${body.split("\n")[0]}`;
  return {
    listIssueComments: async () => [...(canned.comments ?? [])],
    createIssueComment: async (issueNumber, body) => {
      log(`[dry-run] POST /issues/${issueNumber}/comments (${preview(body)})`);
      return { id: 0, body, user: bot };
    },
    updateIssueComment: async (commentId, body) => {
      log(`[dry-run] PATCH /issues/comments/${commentId} (${preview(body)})`);
      return { id: commentId, body, user: bot };
    },
    deleteIssueComment: async (commentId) => {
      log(`[dry-run] DELETE /issues/comments/${commentId}`);
    },
    listIssues: async ({ state }) => (canned.issues ?? []).filter((issue) => state === "all" || issue.state === state),
    createIssue: async (issue) => {
      log(`[dry-run] POST /issues "${issue.title}" labels=${issue.labels.join(",")} (${preview(issue.body)})`);
      return { number: 0, title: issue.title, body: issue.body, state: "open", user: bot };
    },
    updateIssue: async (issueNumber, patch) => {
      log(`[dry-run] PATCH /issues/${issueNumber} ${JSON.stringify({ ...patch, body: patch.body === undefined ? undefined : preview(patch.body) })}`);
      return { number: issueNumber, title: patch.title ?? "", body: patch.body ?? null, state: patch.state ?? "open", user: bot };
    },
    listDeployments: async () => [],
    listDeploymentStatuses: async () => [],
  };
}

/** Comments and issues this automation wrote are the bot's; a person quoting the marker must never be edited. */
export function isAutomation(user: GithubUser | null): boolean {
  return user?.type === "Bot" && user.login === "github-actions[bot]";
}
