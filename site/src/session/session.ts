/**
 * The signed-in session: kept in memory and mirrored to `sessionStorage`, so a
 * reload of the tab stays signed in while other tabs, other sites and closed
 * tabs get nothing. See the site README ("Where the token lives") for why.
 */
import type { LoginResponse, Role, UserProfile } from "../../../contracts/api";
import { ROLE_NAMES } from "../api/contract-values";

export interface Session {
  readonly token: string;
  /** ISO-8601; the API stops accepting the token then. */
  readonly expiresAt: string;
  readonly user: UserProfile;
}

export const SESSION_STORAGE_KEY = "taskboard.session";

export function sessionFromLogin(response: LoginResponse): Session {
  return { token: response.token, expiresAt: response.expiresAt, user: response.user };
}

export function isExpired(session: Session, now: Date): boolean {
  const expiresAt = Date.parse(session.expiresAt);
  return Number.isNaN(expiresAt) || expiresAt <= now.getTime();
}

const isRole = (value: unknown): value is Role => ROLE_NAMES.some((role) => role === value);

function parseSession(text: string): Session | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { token, expiresAt, user } = value as Record<string, unknown>;
  if (typeof token !== "string" || typeof expiresAt !== "string" || typeof user !== "object" || user === null) return null;
  const { email, name, role } = user as Record<string, unknown>;
  if (typeof email !== "string" || typeof name !== "string" || !isRole(role)) return null;
  return { token, expiresAt, user: { email, name, role } };
}

/** The stored session, or null when there is none, it is malformed or it has expired (then it is removed). */
export function loadSession(storage: Storage | null, now: Date): Session | null {
  if (storage === null) return null;
  try {
    const text = storage.getItem(SESSION_STORAGE_KEY);
    const session = text === null ? null : parseSession(text);
    if (session === null || isExpired(session, now)) {
      if (text !== null) storage.removeItem(SESSION_STORAGE_KEY);
      return null;
    }
    return session;
  } catch {
    // Storage can be disabled by the browser; the session then lives in memory only.
    return null;
  }
}

export function saveSession(storage: Storage | null, session: Session): void {
  try {
    storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Full or disabled storage: still signed in for this page's lifetime.
  }
}

export function clearSession(storage: Storage | null): void {
  try {
    storage?.removeItem(SESSION_STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** `window.sessionStorage`, or null where reading it throws (blocked storage). */
export function browserSessionStorage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
