import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CreateTaskRequest, LoginResponse, Page, Role, Task } from "../contracts/api";
import { createUser } from "../handlers/auth/seed";
import { createPasswordHasher } from "../handlers/auth/passwords";
import { dynamoUsersStore } from "../handlers/auth/users-store";

export interface DemoAccount {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly password: string;
}

/** Local-only demo accounts; the passwords are printed at start, so they protect nothing. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: "supervisor@taskboard.local", name: "Seo-yeon Park", role: "supervisor", password: "supervisor-demo-1" },
  { email: "minji@taskboard.local", name: "Minji Kim", role: "pic", password: "minji-demo-pass-1" },
  { email: "junho@taskboard.local", name: "Junho Lee", role: "pic", password: "junho-demo-pass-1" },
];

export interface SeedOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly usersTableName: string;
  /** The running gateway: sample tasks go through the API, as a supervisor would create them. */
  readonly apiUrl: string;
  readonly now?: Date;
}

/**
 * Creates the demo accounts (kept if they exist) and, on an empty board, a
 * few sample tasks. Running it on every start is harmless.
 */
export async function seedDemoData(options: SeedOptions): Promise<readonly DemoAccount[]> {
  const deps = {
    users: dynamoUsersStore(options.documents, options.usersTableName),
    passwords: createPasswordHasher(),
    clock: () => new Date(),
  };
  for (const account of DEMO_ACCOUNTS) {
    await createUser(deps, { email: account.email, name: account.name, role: account.role, password: account.password }, { ifExists: "skip" });
  }

  const supervisor = DEMO_ACCOUNTS[0]!;
  const token = await signIn(options.apiUrl, supervisor);
  const existing = await api<Page<Task>>(options.apiUrl, "GET", "/api/tasks?limit=1", token);
  if (existing.items.length > 0) return DEMO_ACCOUNTS;

  const now = options.now ?? new Date();
  const inHours = (hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();
  const [, minji, junho] = DEMO_ACCOUNTS as [DemoAccount, DemoAccount, DemoAccount];
  const samples: CreateTaskRequest[] = [
    { title: "Draft the Q1 release notes", content: "Collect the merged changes and write the customer-facing summary.", pic: minji.email, dueAt: inHours(72) },
    { title: "Renew the TLS certificate for the staging domain", content: "ACM renews automatically; check the DNS validation record still exists.", pic: junho.email, dueAt: inHours(12) },
    { title: "Review on-call runbook", content: "Walk through the alarm list and update the escalation steps.", pic: minji.email, status: "in_progress", dueAt: inHours(-24) },
    { title: "신규 입사자 온보딩 자료 정리", content: "계정 발급 절차와 보드 사용법을 한 페이지로 정리합니다.", pic: junho.email, status: "in_progress", dueAt: inHours(120) },
    { title: "Archive last quarter's board", content: "Export the done column and attach it to the quarterly report.", pic: minji.email, status: "done" },
    { title: "Plan the team offsite", content: "Unassigned: pick a date and a venue.", dueAt: null },
  ];
  for (const sample of samples) await api<Task>(options.apiUrl, "POST", "/api/tasks", token, sample);
  return DEMO_ACCOUNTS;
}

async function signIn(apiUrl: string, account: DemoAccount): Promise<string> {
  const response = await api<LoginResponse>(apiUrl, "POST", "/api/auth/login", undefined, { email: account.email, password: account.password });
  return response.token;
}

async function api<T>(apiUrl: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, apiUrl), {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`seeding: ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
