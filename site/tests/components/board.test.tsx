import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { makeTask, PIC_A, PIC_B, startFakeApi, SUPERVISOR, type FakeApi } from "../support/fake-api";
import { choose, cleanup, column, renderApp, signInAs, type, waitForCard } from "../support/render-app";

const HOUR = 3600_000;
let server: FakeApi;

const ids = {
  report: "cccccccc-0000-4000-8000-000000000001",
  printer: "cccccccc-0000-4000-8000-000000000002",
  chairs: "cccccccc-0000-4000-8000-000000000003",
};

beforeEach(async () => {
  const now = Date.now();
  server = await startFakeApi({
    tasks: [
      makeTask({ id: ids.report, title: "Write report", pic: PIC_A.email, position: 1024, dueAt: new Date(now - HOUR).toISOString(), content: "Quarterly numbers." }),
      makeTask({ id: ids.printer, title: "Fix printer", pic: PIC_B.email, position: 2048, dueAt: new Date(now + 3 * HOUR).toISOString() }),
      makeTask({ id: ids.chairs, title: "Order chairs", pic: PIC_A.email, status: "done", position: 1024, dueAt: new Date(now - 5 * HOUR).toISOString() }),
    ],
  });
});
afterEach(async () => {
  cleanup();
  await server.close();
});

describe("the board", () => {
  it("shows three columns with headings and counts, and cards with PIC, due date and excerpt", async () => {
    renderApp(server);
    await signInAs(PIC_A);
    for (const name of ["To Do", "In Progress", "Done"]) expect(screen.getByRole("heading", { name, level: 2 })).toBeTruthy();
    expect(column("To Do").getByText("2 tasks")).toBeTruthy();
    expect(column("In Progress").getByText("0 tasks")).toBeTruthy();
    expect(column("Done").getByText("1 task")).toBeTruthy();

    const report = within(await waitForCard("Write report", "To Do"));
    expect(report.getByText("PIC: Ana Park")).toBeTruthy();
    expect(report.getByText("Overdue")).toBeTruthy();
    expect(report.getByText("Quarterly numbers.")).toBeTruthy();
    expect(within(await waitForCard("Fix printer")).getByText("Due within 24 h")).toBeTruthy();
    // Finished work is never flagged overdue.
    expect(within(await waitForCard("Order chairs", "Done")).queryByText("Overdue")).toBeNull();
  });

  it("filters by PIC and due date and searches titles, saying how many cards are shown", async () => {
    renderApp(server);
    await signInAs(PIC_A);
    choose(screen.getByLabelText("Filter by PIC"), `pic:${PIC_B.email}`);
    await waitFor(() => expect(screen.queryByRole("article", { name: "Write report" })).toBeNull());
    expect(screen.getByRole("article", { name: "Fix printer" })).toBeTruthy();
    expect(column("To Do").getByText("1 of 2 tasks shown")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    choose(screen.getByLabelText("Filter by due date"), "overdue");
    await waitFor(() => expect(screen.queryByRole("article", { name: "Fix printer" })).toBeNull());
    expect(screen.getByRole("article", { name: "Write report" })).toBeTruthy();

    choose(screen.getByLabelText("Filter by due date"), "any");
    type(screen.getByLabelText("Search by title"), "CHAIR");
    await waitFor(() => expect(screen.getAllByRole("article").map((card) => card.getAttribute("aria-labelledby"))).toEqual([`task-${ids.chairs}-title`]));
  });
});

describe("a PIC", () => {
  it("can move only their own cards: others' cards offer no drag handle and no edit controls", async () => {
    renderApp(server);
    await signInAs(PIC_A);
    expect(within(await waitForCard("Write report")).getByRole("button", { name: "Move Write report" })).toBeTruthy();
    expect(within(await waitForCard("Order chairs")).getByRole("button", { name: "Move Order chairs" })).toBeTruthy();
    expect(within(await waitForCard("Fix printer")).queryByRole("button", { name: /^Move/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "New task" })).toBeNull();
    expect(screen.queryByRole("button", { name: "New PIC account" })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Fix printer" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Task details" }));
    expect(dialog.queryByRole("button", { name: "Save" })).toBeNull();
    expect(dialog.queryByRole("button", { name: "Delete" })).toBeNull();
    expect(dialog.queryByRole("textbox")).toBeNull();
    expect(dialog.getByText("Ben Lee")).toBeTruthy();
    expect(await dialog.findByText("No activity yet.")).toBeTruthy();
  });

  it("sees the activity log: who changed what, when", async () => {
    server.changeTask(ids.printer, { status: "in_progress" }, PIC_B.email);
    renderApp(server);
    await signInAs(PIC_A);
    fireEvent.click(await screen.findByRole("button", { name: "Fix printer" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Task details" }));
    expect(await dialog.findByText("Ben Lee moved the task")).toBeTruthy();
    expect(dialog.getByText("Status: To Do → In Progress")).toBeTruthy();
    expect(dialog.getByRole("heading", { name: "Activity" })).toBeTruthy();
  });
});

describe("a supervisor", () => {
  it("finds every control by its accessible name", async () => {
    renderApp(server);
    await signInAs(SUPERVISOR);
    expect(screen.getByRole("button", { name: "Sign out" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "New task" }));
    const dialog = within(await screen.findByRole("dialog", { name: "New task" }));
    expect(dialog.getByRole("textbox", { name: "Title" })).toBeTruthy();
    expect(dialog.getByRole("textbox", { name: "Content" })).toBeTruthy();
    expect(dialog.getByRole("combobox", { name: "PIC" })).toBeTruthy();
    expect(dialog.getByLabelText("Due date", { exact: true }).getAttribute("type")).toBe("datetime-local");
    expect(dialog.getByRole("combobox", { name: "Status" })).toBeTruthy();
    expect(dialog.getByRole("button", { name: "Save" })).toBeTruthy();
    fireEvent.click(dialog.getByRole("button", { name: "Close" }));

    fireEvent.click(await screen.findByRole("button", { name: "Write report" }));
    const edit = within(await screen.findByRole("dialog", { name: "Edit task" }));
    expect(edit.getByRole("button", { name: "Delete" })).toBeTruthy();
    expect(await edit.findByText("No activity yet.")).toBeTruthy();
  });

  it("creates a task for a PIC, and it appears in its column", async () => {
    renderApp(server);
    await signInAs(SUPERVISOR);
    fireEvent.click(screen.getByRole("button", { name: "New task" }));
    const dialog = within(await screen.findByRole("dialog", { name: "New task" }));
    type(dialog.getByLabelText("Title", { exact: true }), "  Plan offsite ");
    type(dialog.getByLabelText("Content", { exact: true }), "Venue and budget.");
    choose(dialog.getByLabelText("PIC", { exact: true }), PIC_B.email);
    type(dialog.getByLabelText("Due date", { exact: true }), "2030-05-01T10:00");
    choose(dialog.getByLabelText("Status", { exact: true }), "in_progress");
    fireEvent.click(dialog.getByRole("button", { name: "Save" }));

    await waitForCard("Plan offsite", "In Progress");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByText("Task “Plan offsite” created.")).toBeTruthy();
    const created = server.requests.find((request) => request.method === "POST" && request.path === "/api/tasks");
    expect(created?.body).toEqual({
      title: "Plan offsite",
      content: "Venue and budget.",
      status: "in_progress",
      pic: PIC_B.email,
      dueAt: new Date("2030-05-01T10:00").toISOString(),
    });
  });

  it("needs a title before saving", async () => {
    renderApp(server);
    await signInAs(SUPERVISOR);
    fireEvent.click(screen.getByRole("button", { name: "New task" }));
    const dialog = within(await screen.findByRole("dialog", { name: "New task" }));
    fireEvent.click(dialog.getByRole("button", { name: "Save" }));
    expect(await dialog.findByText("Enter a title.")).toBeTruthy();
    expect(dialog.getByLabelText("Title", { exact: true }).getAttribute("aria-invalid")).toBe("true");
  });

  it("deletes a task only after confirming", async () => {
    renderApp(server);
    await signInAs(SUPERVISOR);
    fireEvent.click(await screen.findByRole("button", { name: "Order chairs" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Edit task" }));
    fireEvent.click(dialog.getByRole("button", { name: "Delete" }));
    expect(dialog.getByText("Delete “Order chairs”? This cannot be undone.")).toBeTruthy();
    // Focus lands on the safe choice, not on the page behind.
    expect(document.activeElement).toBe(dialog.getByRole("button", { name: "Keep the task" }));
    expect(server.tasks.has(ids.chairs)).toBe(true);
    fireEvent.click(dialog.getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(screen.queryByRole("article", { name: "Order chairs" })).toBeNull());
    expect(server.tasks.has(ids.chairs)).toBe(false);
  });

  it("creates a PIC account", async () => {
    renderApp(server);
    await signInAs(SUPERVISOR);
    fireEvent.click(screen.getByRole("button", { name: "New PIC account" }));
    const dialog = within(await screen.findByRole("dialog", { name: "New PIC account" }));
    type(dialog.getByLabelText("Name", { exact: true }), "Cho Yun");
    type(dialog.getByLabelText("Email", { exact: true }), "cho@example.com");
    type(dialog.getByLabelText("Password", { exact: true }), "long-enough-pass");
    fireEvent.click(dialog.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("Account for cho@example.com created.")).toBeTruthy();
    expect(server.users.get("cho@example.com")).toMatchObject({ role: "pic", name: "Cho Yun" });
    expect(within(screen.getByLabelText("Filter by PIC")).getByRole("option", { name: "Cho Yun" })).toBeTruthy();
  });

  it("sees the current version when someone else saved first, and can re-apply their edit", async () => {
    renderApp(server);
    await signInAs(SUPERVISOR);
    fireEvent.click(await screen.findByRole("button", { name: "Write report" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Edit task" }));
    // Meanwhile, in another browser:
    server.changeTask(ids.report, { status: "in_progress" }, PIC_A.email);
    type(dialog.getByLabelText("Title", { exact: true }), "Write the quarterly report");
    fireEvent.click(dialog.getByRole("button", { name: "Save" }));

    const conflict = within(await screen.findByRole("dialog", { name: "Someone else changed this task" }));
    expect(conflict.getByText(/it is now at version 2/)).toBeTruthy();
    const rows = conflict.getAllByRole("row").map((row) => row.textContent);
    expect(rows).toContain("TitleWrite reportWrite the quarterly report");
    expect(rows).toContain("StatusIn Progress(you did not change this)");
    // The board already shows the other person's version.
    await waitForCard("Write report", "In Progress");

    fireEvent.click(conflict.getByRole("button", { name: "Apply my change again" }));
    // Shown at once (optimistic), then confirmed by the server.
    const card = within(await waitForCard("Write the quarterly report", "In Progress"));
    await waitFor(() => expect(card.queryByText("Saving…")).toBeNull());
    expect(server.tasks.get(ids.report)).toMatchObject({ title: "Write the quarterly report", status: "in_progress", version: 3 });
    const patches = server.requests.filter((request) => request.method === "PATCH").map((request) => request.body);
    expect(patches).toEqual([
      { version: 1, title: "Write the quarterly report" },
      { version: 2, title: "Write the quarterly report" },
    ]);
  });
});

describe("language", () => {
  it("speaks Korean when the browser asks for it, and remembers a switch to English", async () => {
    const { languageStorage } = renderApp(server, { languages: ["ko-KR", "en-US"] });
    expect(document.documentElement.lang).toBe("ko");
    expect(screen.getByRole("button", { name: "로그인" })).toBeTruthy();
    await signInAs(PIC_A, { email: "이메일", password: "비밀번호", submit: "로그인", column: "할 일" });
    for (const name of ["할 일", "진행 중", "완료"]) expect(screen.getByRole("heading", { name, level: 2 })).toBeTruthy();
    expect(screen.getByRole("button", { name: "로그아웃" })).toBeTruthy();
    expect(within(await waitForCard("Write report")).getByText("기한 지남")).toBeTruthy();

    choose(screen.getByLabelText("언어"), "en");
    expect(await screen.findByRole("heading", { name: "To Do", level: 2 })).toBeTruthy();
    expect(languageStorage.getItem("taskboard.language")).toBe("en");
    expect(document.documentElement.lang).toBe("en");
  });
});
