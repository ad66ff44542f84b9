import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { App } from "../../src/app/App";
import type { FakeApi, FakeUser } from "./fake-api";
import { MemoryStorage } from "./memory-storage";

export interface RenderedApp {
  readonly sessionStorage: MemoryStorage;
  readonly languageStorage: MemoryStorage;
}

/** The whole app in happy-dom, talking over HTTP to the fake API. */
export function renderApp(server: FakeApi, options: { readonly languages?: readonly string[]; readonly now?: () => Date } = {}): RenderedApp {
  const sessionStorage = new MemoryStorage();
  const languageStorage = new MemoryStorage();
  render(
    <App
      apiBaseUrl={server.url}
      sessionStorage={sessionStorage}
      languageStorage={languageStorage}
      preferredLanguages={options.languages ?? ["en-US"]}
      {...(options.now === undefined ? {} : { now: options.now })}
    />,
  );
  return { sessionStorage, languageStorage };
}

export function type(element: HTMLElement, value: string): void {
  fireEvent.input(element, { target: { value } });
}

/**
 * Picks an option as a user does: sets the value, then fires `change`.
 * (@testing-library/preact's fireEvent.change sends an `input` event instead.)
 */
export function choose(element: HTMLElement, value: string): void {
  if (!(element instanceof HTMLSelectElement)) throw new Error("choose() needs a <select>");
  act(() => {
    element.value = value;
    element.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

/** Signs in through the form and waits for the board. */
export async function signInAs(user: FakeUser, labels = { email: "Email", password: "Password", submit: "Sign in", column: "To Do" }): Promise<void> {
  type(screen.getByLabelText(labels.email, { exact: true }), user.email);
  type(screen.getByLabelText(labels.password, { exact: true }), user.password);
  fireEvent.click(screen.getByRole("button", { name: labels.submit }));
  await screen.findByRole("heading", { name: labels.column, level: 2 });
}

/** A column as a landmark (`<section aria-labelledby>`), for queries inside it. */
export function column(name: string) {
  return within(screen.getByRole("region", { name }));
}

export async function waitForCard(title: string, columnName?: string): Promise<HTMLElement> {
  return waitFor(() => (columnName === undefined ? screen.getByRole("article", { name: title }) : column(columnName).getByRole("article", { name: title })));
}

export { cleanup };
