import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../../tests/support/memory-storage";
import { clearSession, isExpired, loadSession, saveSession, SESSION_STORAGE_KEY, sessionFromLogin, type Session } from "./session";

const now = new Date("2026-03-10T12:00:00.000Z");
const session: Session = {
  token: "header.payload.signature",
  expiresAt: "2026-03-10T13:00:00.000Z",
  user: { email: "ana@example.com", name: "Ana", role: "pic" },
};

describe("session storage", () => {
  it("survives a reload of the tab: saved, then loaded back", () => {
    const storage = new MemoryStorage();
    saveSession(storage, session);
    expect(loadSession(storage, now)).toEqual(session);
  });

  it("drops and forgets an expired session", () => {
    const storage = new MemoryStorage();
    saveSession(storage, { ...session, expiresAt: "2026-03-10T12:00:00.000Z" });
    expect(loadSession(storage, now)).toBeNull();
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it("ignores malformed or tampered entries", () => {
    const storage = new MemoryStorage();
    for (const text of ["not json", "null", JSON.stringify({ ...session, user: { ...session.user, role: "admin" } }), JSON.stringify({ token: 1 })]) {
      storage.setItem(SESSION_STORAGE_KEY, text);
      expect(loadSession(storage, now)).toBeNull();
    }
  });

  it("clears on sign-out, and works without storage at all", () => {
    const storage = new MemoryStorage();
    saveSession(storage, session);
    clearSession(storage);
    expect(loadSession(storage, now)).toBeNull();
    expect(loadSession(null, now)).toBeNull();
    expect(() => saveSession(null, session)).not.toThrow();
  });

  it("takes token, expiry and user from the login response", () => {
    expect(sessionFromLogin({ token: "t", expiresAt: session.expiresAt, user: session.user })).toEqual({ ...session, token: "t" });
    expect(isExpired(session, now)).toBe(false);
    expect(isExpired({ ...session, expiresAt: "garbage" }, now)).toBe(true);
  });
});
