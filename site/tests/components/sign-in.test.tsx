import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, screen } from "@testing-library/preact";
import { SESSION_STORAGE_KEY } from "../../src/session/session";
import { PIC_A, startFakeApi, type FakeApi } from "../support/fake-api";
import { cleanup, renderApp, signInAs, type } from "../support/render-app";

let server: FakeApi;
beforeEach(async () => {
  server = await startFakeApi({ maxFailures: 2, lockSeconds: 840 });
});
afterEach(async () => {
  cleanup();
  await server.close();
});

function submit(email: string, password: string) {
  type(screen.getByLabelText("Email", { exact: true }), email);
  type(screen.getByLabelText("Password", { exact: true }), password);
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign-in", () => {
  it("names its controls Email, Password and Sign in", () => {
    renderApp(server);
    expect(screen.getByRole("textbox", { name: "Email" })).toBeTruthy();
    expect(screen.getByLabelText("Password", { exact: true }).getAttribute("type")).toBe("password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
  });

  it("says so clearly when the email or password is wrong", async () => {
    renderApp(server);
    submit(PIC_A.email, "not-the-password");
    expect((await screen.findByText("The email or password is incorrect.")).closest("[role=alert]")).not.toBeNull();
    // The password is cleared for the next try; the email stays.
    expect((screen.getByLabelText("Password", { exact: true }) as HTMLInputElement).value).toBe("");
    expect((screen.getByLabelText("Email", { exact: true }) as HTMLInputElement).value).toBe(PIC_A.email);
  });

  it("tells a throttled user how long to wait, from Retry-After", async () => {
    renderApp(server);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      submit(PIC_A.email, "not-the-password");
      await screen.findByText("The email or password is incorrect.");
    }
    submit(PIC_A.email, PIC_A.password);
    expect(await screen.findByText("Too many failed sign-ins for this email. Try again in 14 minutes.")).toBeTruthy();
  });

  it("asks for both fields before calling the API", async () => {
    renderApp(server);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter your email address and password.")).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it("signs in, keeps the session in this tab's storage, and signs out", async () => {
    const { sessionStorage } = renderApp(server);
    await signInAs(PIC_A);
    expect(screen.getByText("Signed in as Ana Park (PIC)")).toBeTruthy();
    expect(JSON.parse(sessionStorage.getItem(SESSION_STORAGE_KEY) ?? "{}").user.email).toBe(PIC_A.email);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByText("You have signed out.")).toBeTruthy();
    expect(sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it("goes back to sign-in with a note when the session expires", async () => {
    renderApp(server);
    await signInAs(PIC_A);
    server.revokeTokens();
    fireEvent.click(screen.getByRole("button", { name: "Refresh board" }));
    expect(await screen.findByText("Your session has expired. Sign in again to continue.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "To Do" })).toBeNull();
  });
});
