/**
 * End-to-end: the real built site in real headless Chromium against the local
 * stack (gateway with the production CSP, auth and authorizer Lambdas, the
 * tasks-api bundle, the pipe, the notifier and the SES outbox), all started in
 * this process on a free port with a temporary data folder. One stack and one
 * browser for the file; every scenario gets fresh contexts (own storage).
 *
 * Each scenario creates its own tasks (titles carry a per-run token), asserts
 * on the UI, on the API and on the outbox, saves a screenshot of its final
 * state to `__screenshots__/<test name>.png`, and fails on any console error,
 * uncaught page error or CSP violation that it did not expect.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody, LoginResponse, Page as ApiPage, Task, TaskStatus, User } from "../../contracts/api";
import type { TaskEvent } from "../../contracts/events";
import type { SentEmail } from "../../local/ses-outbox";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../local/seed";
import { startLocalStack, type LocalStack } from "../../local/start";
import { freePort } from "../../local/ports";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..");
const SCREENSHOTS = join(HERE, "__screenshots__");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", // sessions run as root
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** How long one UI step may take; a step waits on an element, never on the clock. */
const STEP_MS = 15_000;

const [supervisor, minji, junho] = DEMO_ACCOUNTS as [DemoAccount, DemoAccount, DemoAccount];
/** Makes every title unique to this run, so no scenario sees another's cards. */
const RUN = randomUUID().slice(0, 6);

// ---------------------------------------------------------------- the stack

let stack: LocalStack;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  // The real site, built from the current sources (about 1-2 s; a stale dist/site would test old code). The
  // production build, into a folder of its own: nothing else rebuilding dist/site can pull it away mid-run.
  dataDir = mkdtempSync(join(tmpdir(), "board-e2e-"));
  const siteDir = join(dataDir, "site");
  execFileSync("npm", ["--prefix", "site", "run", "build", "--", "--outDir", siteDir, "--emptyOutDir"], { cwd: ROOT, stdio: "pipe" });
  mkdirSync(SCREENSHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startLocalStack({ port: await freePort(), dataDir, siteDir, log: () => undefined }),
    // Playwright gives every launch a fresh temporary profile, and every context below its own storage.
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the API, as a test client

interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

async function api<T>(method: string, path: string, token?: string, body?: unknown): Promise<ApiAnswer<T>> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T };
}

async function tokenOf(account: { email: string; password: string }): Promise<string> {
  const login = await api<LoginResponse>("POST", "/api/auth/login", undefined, { email: account.email, password: account.password });
  expect(login.status).toBe(200);
  return login.body.token;
}

async function createTask(token: string, request: { title: string; pic: string | null; content?: string; status?: TaskStatus; dueAt?: string }): Promise<Task> {
  const created = await api<Task>("POST", "/api/tasks", token, request);
  expect(created.status).toBe(201);
  return created.body;
}

async function getTask(token: string, id: string): Promise<Task> {
  const answer = await api<Task>("GET", `/api/tasks/${id}`, token);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Delivers the task events now and waits until an email matching `match` is in the outbox. */
async function emailMatching(match: (email: SentEmail) => boolean): Promise<SentEmail> {
  let found: SentEmail | undefined;
  await expect
    .poll(
      async () => {
        await stack.flushEvents();
        found = stack.outbox.emails().find(match);
        return found !== undefined;
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe(true);
  return found!;
}

const emailsAbout = (title: string): SentEmail[] => stack.outbox.emails().filter((email) => email.subject?.includes(title) ?? false);

// ---------------------------------------------------------------- browser contexts that watch for problems

interface Watched {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, uncaught errors and CSP violations, as text. */
  readonly problems: string[];
}

const openContexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(openContexts.splice(0).map((context) => context.close()));
});

/**
 * A fresh context (its own storage) and page. CSP violations are caught twice:
 * Chromium logs each as a console error, and a `securitypolicyviolation`
 * listener reports it through a binding (which, like the init script, the
 * policy does not govern).
 */
async function openPage(options: BrowserContextOptions = {}): Promise<Watched> {
  const context = await browser.newContext({ locale: "en-GB", timezoneId: "Asia/Seoul", viewport: { width: 1280, height: 900 }, ...options });
  openContexts.push(context);
  const problems: string[] = [];
  await context.exposeBinding("reportCspViolation", (_source, text: string) => {
    problems.push(`CSP violation: ${text}`);
  });
  await context.addInitScript(
    `document.addEventListener("securitypolicyviolation", (event) =>
       window.reportCspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber));`,
  );
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  return { context, page, problems };
}

/** Problems other than the ones a scenario provokes on purpose (Chromium logs a failed fetch's status). */
function unexpected(problems: readonly string[], expectedStatuses: readonly number[] = []): string[] {
  return problems.filter(
    (problem) => !expectedStatuses.some((status) => problem.includes(`the server responded with a status of ${status}`)),
  );
}

/** Saves the page as `__screenshots__/<test name as a file-name slug>.png` (git-ignored). */
async function screenshot(page: Page, testName: string): Promise<void> {
  const slug = testName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  await page.screenshot({ path: join(SCREENSHOTS, `${slug}.png`), fullPage: true });
}

async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto(stack.url);
  await page.getByLabel("Email", { exact: true }).fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
  await column(page, "To Do").waitFor();
}

const column = (page: Page, name: string): Locator => page.getByRole("region", { name, exact: true });
const card = (scope: Page | Locator, title: string): Locator => scope.getByRole("article", { name: title, exact: true });
const handleOf = (page: Page, title: string): Locator => page.getByRole("button", { name: `Move ${title}`, exact: true });

/** Waits until `title`'s card is in the named column and no longer saving. */
async function expectCardIn(page: Page, columnName: string, title: string): Promise<void> {
  const found = card(column(page, columnName), title);
  await found.waitFor();
  await found.getByText("Saving…").waitFor({ state: "detached" });
}

/** Runs `action` and returns the status of the PATCH of `taskId` it caused. */
async function patchStatus(page: Page, taskId: string, action: () => Promise<unknown>): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.request().method() === "PATCH" && candidate.url().endsWith(`/api/tasks/${taskId}`)),
    action(),
  ]);
  return response.status();
}

/** The screen-reader announcement dnd-kit makes, which says where a keyboard drag is. */
function announced(page: Page, pattern: string): Locator {
  return page.getByText(new RegExp(`^${pattern}`));
}

/**
 * Presses `key` until `pattern` is announced. dnd-kit's keyboard sensor starts listening for keys from a timer
 * after the pick-up (`setTimeout` in `KeyboardSensor.attach`), so on a busy machine a key pressed right after the
 * "Picked up" announcement can be lost. A lost key is not queued, and a key the sensor hears is announced within
 * milliseconds, so after 3 s of silence the press was lost and pressing again moves the card once, not twice.
 */
async function pressUntilAnnounced(page: Page, key: string, pattern: string, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await page.keyboard.press(key);
    try {
      await announced(page, pattern).waitFor({ timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---------------------------------------------------------------- scenarios

describe("the board in Chromium against the local stack", () => {
  it("a supervisor creates a task for a PIC: the card is in To Do and the PIC is mailed", async (test) => {
    const { page, problems } = await openPage();
    const title = `${RUN} Prepare the sprint review`;
    await signIn(page, supervisor);

    await page.getByRole("button", { name: "New task", exact: true }).click();
    const form = page.getByRole("dialog", { name: "New task" });
    await form.getByLabel("Title", { exact: true }).fill(title);
    await form.getByLabel("Content", { exact: true }).fill("Collect the demos and book the room.");
    await form.getByLabel("PIC", { exact: true }).selectOption(minji.email);
    await form.getByLabel("Due date", { exact: true }).fill("2030-01-15T09:30");
    await form.getByLabel("Status", { exact: true }).selectOption({ label: "To Do" });
    await form.getByRole("button", { name: "Save", exact: true }).click();
    await form.waitFor({ state: "detached" });

    const created = card(column(page, "To Do"), title);
    await created.waitFor();
    expect(await created.textContent()).toContain(`PIC: ${minji.name}`);
    await page.getByRole("status").getByText(`Task “${title}” created.`).waitFor();

    // The server has exactly what the form said (09:30 in Seoul is 00:30 UTC).
    const token = await tokenOf(supervisor);
    const tasks = await api<ApiPage<Task>>("GET", `/api/tasks?pic=${encodeURIComponent(minji.email)}&limit=100`, token);
    const task = tasks.body.items.find((candidate) => candidate.title === title);
    expect(task).toMatchObject({
      content: "Collect the demos and book the room.",
      status: "todo",
      pic: minji.email,
      dueAt: "2030-01-15T00:30:00.000Z",
      createdBy: supervisor.email,
      version: 1,
    });

    const email = await emailMatching((candidate) => candidate.subject === `You have been assigned: ${title}`);
    expect(email.to).toEqual([minji.email]);
    expect(email.text).toContain(`${supervisor.email} assigned this task to you.`);
    expect(email.text).toContain("Due:              Tue, 15 Jan 2030, 09:30 GMT+9");
    // The supervisor made the change, so nobody else is mailed about it.
    expect(emailsAbout(title).map((candidate) => candidate.to)).toEqual([[minji.email]]);

    await screenshot(page, test.task.name);
    expect(unexpected(problems)).toEqual([]);
  });

  it("a PIC moves one task to Done by drag and drop and another by keyboard; both saved, the supervisor mailed", async (test) => {
    const supervisorToken = await tokenOf(supervisor);
    const dragged = await createTask(supervisorToken, { title: `${RUN} Update the changelog`, pic: minji.email, content: "Dragged to Done." });
    const keyed = await createTask(supervisorToken, { title: `${RUN} Rotate the API keys`, pic: minji.email, content: "Moved by keyboard." });
    const { page, problems } = await openPage();
    await signIn(page, minji);
    await expectCardIn(page, "To Do", dragged.title);
    await expectCardIn(page, "To Do", keyed.title);

    // Drag and drop with a real pointer: press on the handle, pass the 6 px threshold, travel, release.
    const handle = handleOf(page, dragged.title);
    await handle.scrollIntoViewIfNeeded();
    const from = await handle.boundingBox();
    const doneHeading = page.getByRole("heading", { name: "Done", exact: true });
    const to = await doneHeading.boundingBox();
    if (from === null || to === null) throw new Error("the handle or the Done column is not laid out");
    const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 12, start.y + 4, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height + 60, { steps: 20 });
    await card(column(page, "Done"), dragged.title).waitFor(); // the preview: the card already sits in Done
    expect(await patchStatus(page, dragged.id, () => page.mouse.up())).toBe(200);
    await expectCardIn(page, "Done", dragged.title);

    // Keyboard: focus the handle, Space to pick up, ArrowRight to the next column, Space to drop.
    const keyedTitle = escape(keyed.title);
    await handleOf(page, keyed.title).focus();
    await page.keyboard.press("Space");
    await announced(page, `(Picked up ${keyedTitle}\\.|${keyedTitle} is over To Do)`).waitFor();
    await pressUntilAnnounced(page, "ArrowRight", `${keyedTitle} is over In Progress`);
    expect(await patchStatus(page, keyed.id, () => page.keyboard.press("Space"))).toBe(200);
    await announced(page, `${keyedTitle} was dropped in In Progress`).waitFor();
    await expectCardIn(page, "In Progress", keyed.title);

    // Saved on the server: a reload shows the same board, and the API agrees.
    await page.reload();
    await expectCardIn(page, "Done", dragged.title);
    await expectCardIn(page, "In Progress", keyed.title);
    expect(await card(column(page, "To Do"), dragged.title).count()).toBe(0);
    expect(await card(column(page, "To Do"), keyed.title).count()).toBe(0);
    expect(await getTask(supervisorToken, dragged.id)).toMatchObject({ status: "done", version: 2, pic: minji.email });
    expect(await getTask(supervisorToken, keyed.id)).toMatchObject({ status: "in_progress", version: 2, pic: minji.email });

    // The PIC moved them, so the supervisor who created them is mailed (never the actor).
    const droppedMail = await emailMatching((email) => email.subject === `${dragged.title}: To Do → Done`);
    const keyedMail = await emailMatching((email) => email.subject === `${keyed.title}: To Do → In Progress`);
    expect(droppedMail.to).toEqual([supervisor.email]);
    expect(droppedMail.text).toContain(`${minji.email} moved a task you created from To Do to Done.`);
    expect(keyedMail.to).toEqual([supervisor.email]);
    const statusMails = [...emailsAbout(`${dragged.title}: `), ...emailsAbout(`${keyed.title}: `)];
    expect(statusMails.flatMap((email) => email.to)).toEqual([supervisor.email, supervisor.email]);

    await screenshot(page, test.task.name);
    expect(unexpected(problems)).toEqual([]);
  });

  it("a PIC is offered no handle on another PIC's task, and the API refuses the move with 403", async (test) => {
    const supervisorToken = await tokenOf(supervisor);
    const others = await createTask(supervisorToken, { title: `${RUN} Junho's database upgrade`, pic: junho.email });
    const own = await createTask(supervisorToken, { title: `${RUN} Minji's own task`, pic: minji.email });
    const { page, problems } = await openPage();
    await signIn(page, minji);

    await expectCardIn(page, "To Do", others.title);
    await expectCardIn(page, "To Do", own.title);
    await handleOf(page, own.title).waitFor(); // handles are rendered at all...
    expect(await handleOf(page, others.title).count()).toBe(0); // ...but not on Junho's card
    // The details open read-only: no form to edit, no Delete.
    await page.getByRole("button", { name: others.title, exact: true }).click();
    const details = page.getByRole("dialog", { name: "Task details" });
    await details.waitFor();
    expect(await details.getByRole("button", { name: "Save", exact: true }).count()).toBe(0);
    expect(await details.getByRole("button", { name: "Delete", exact: true }).count()).toBe(0);
    await details.getByRole("button", { name: "Close", exact: true }).click();
    await details.waitFor({ state: "detached" });

    // Going around the UI with the page's own token changes nothing.
    const stored = await page.evaluate<string | null>("sessionStorage.getItem('taskboard.session')");
    const picToken = (JSON.parse(stored ?? "null") as { token: string } | null)?.token;
    expect(picToken).toEqual(expect.any(String));
    const refused = await api<ErrorBody>("PATCH", `/api/tasks/${others.id}`, picToken, { version: others.version, status: "done" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect(await getTask(supervisorToken, others.id)).toEqual(others);

    await page.reload();
    await expectCardIn(page, "To Do", others.title);
    await screenshot(page, test.task.name);
    expect(unexpected(problems)).toEqual([]);
  });

  it("conflicting edits from two browsers: the second sees the conflict, re-applies, and nothing is lost", async (test) => {
    const supervisorToken = await tokenOf(supervisor);
    const second = { email: `second-${RUN}@taskboard.local`, name: "Second Supervisor", password: "second-supervisor-pass-1", role: "supervisor" as const };
    expect((await api<User>("POST", "/api/users", supervisorToken, second)).status).toBe(201);
    const original = await createTask(supervisorToken, { title: `${RUN} Write the incident report`, pic: junho.email, content: "Timeline first." });
    const titleB = `${RUN} Write the incident report (draft 2)`;
    const contentA = "Timeline first, then the root cause and the follow-ups.";

    const a = await openPage();
    const b = await openPage();
    await Promise.all([signIn(a.page, supervisor), signIn(b.page, second)]);
    for (const { page } of [a, b]) {
      await page.getByRole("button", { name: original.title, exact: true }).click();
      await page.getByRole("dialog", { name: "Edit task" }).getByLabel("Title", { exact: true }).waitFor();
    }

    // B saves first.
    const dialogB = b.page.getByRole("dialog", { name: "Edit task" });
    await dialogB.getByLabel("Title", { exact: true }).fill(titleB);
    await dialogB.getByRole("button", { name: "Save", exact: true }).click();
    await dialogB.waitFor({ state: "detached" });
    await expectCardIn(b.page, "To Do", titleB);
    expect(await getTask(supervisorToken, original.id)).toMatchObject({ title: titleB, content: original.content, version: 2 });

    // A saves a different change from the version it loaded: a conflict, shown with the current version.
    const dialogA = a.page.getByRole("dialog", { name: "Edit task" });
    await dialogA.getByLabel("Content", { exact: true }).fill(contentA);
    expect(await patchStatus(a.page, original.id, () => dialogA.getByRole("button", { name: "Save", exact: true }).click())).toBe(409);
    const conflict = a.page.getByRole("dialog", { name: "Someone else changed this task" });
    await conflict.waitFor();
    const explanation = await conflict.textContent();
    expect(explanation).toContain(`“${titleB}” was changed by someone else`);
    expect(explanation).toContain("version 2");
    await conflict.getByRole("cell", { name: titleB, exact: true }).waitFor(); // B's title, the current value
    await conflict.getByRole("cell", { name: contentA, exact: true }).waitFor(); // A's content, whole
    expect(await getTask(supervisorToken, original.id)).toMatchObject({ title: titleB, content: original.content, version: 2 });

    expect(await patchStatus(a.page, original.id, () => conflict.getByRole("button", { name: "Apply my change again", exact: true }).click())).toBe(200);
    await conflict.waitFor({ state: "detached" });
    await expectCardIn(a.page, "To Do", titleB);
    expect(await card(column(a.page, "To Do"), titleB).textContent()).toContain(contentA);

    // Both changes are on the server, one after the other.
    expect(await getTask(supervisorToken, original.id)).toMatchObject({ title: titleB, content: contentA, pic: junho.email, version: 3 });
    const events = await api<ApiPage<TaskEvent>>("GET", `/api/tasks/${original.id}/events`, supervisorToken);
    expect(events.body.items.filter((event) => event.type === "task.updated").map((event) => [event.actor, event.changes.map((change) => change.field)])).toEqual([
      [second.email, ["title"]],
      [supervisor.email, ["content"]],
    ]);

    await screenshot(b.page, `${test.task.name} (B)`);
    await screenshot(a.page, test.task.name);
    expect(unexpected(a.problems, [409])).toEqual([]);
    expect(unexpected(b.problems)).toEqual([]);
  });

  it("notices a CSP violation and a console error, so the other tests' empty lists mean something", async () => {
    const { page, problems } = await openPage();
    await page.goto(stack.url);
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    expect(problems).toEqual([]);
    // An inline style attribute, which the production policy (style-src 'self') forbids.
    await page.evaluate(`document.body.setAttribute("style", "outline: 1px solid red")`);
    await expect.poll(() => problems.filter((problem) => problem.startsWith("CSP violation: style-src")).length).toBe(1);
    await page.evaluate(`console.error("deliberate")`);
    await expect.poll(() => problems.some((problem) => problem.startsWith("console error: deliberate"))).toBe(true);
  });

  it("shows the Korean UI when the browser asks for Korean", async (test) => {
    const dated = await createTask(await tokenOf(supervisor), { title: `${RUN} 분기 보고서 작성`, pic: junho.email, dueAt: "2030-01-15T00:30:00.000Z" });
    const { page, problems } = await openPage({ locale: "ko-KR" });
    await page.goto(stack.url);
    expect(await page.getAttribute("html", "lang")).toBe("ko");
    await page.getByLabel("이메일", { exact: true }).fill(supervisor.email);
    await page.getByLabel("비밀번호", { exact: true }).fill(supervisor.password);
    await page.getByRole("button", { name: "로그인", exact: true }).click();

    for (const heading of ["할 일", "진행 중", "완료"]) await column(page, heading).waitFor();
    await page.getByRole("button", { name: "로그아웃", exact: true }).waitFor();
    expect(await page.getByRole("region", { name: "To Do", exact: true }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Sign out", exact: true }).count()).toBe(0);
    // Dates in the Korean way, in the browser's time zone (Seoul: 00:30 UTC is 9:30 in the morning).
    const datedCard = card(column(page, "할 일"), dated.title);
    await datedCard.waitFor();
    expect(await datedCard.textContent()).toContain("마감 2030. 1. 15. 오전 9:30");
    // A seeded Korean task reads as written.
    await card(column(page, "진행 중"), "신규 입사자 온보딩 자료 정리").waitFor();

    await screenshot(page, test.task.name);
    expect(unexpected(problems)).toEqual([]);
  });
});
