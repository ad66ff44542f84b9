import { describe, expect, it } from "vitest";
import { createI18n } from "./i18n";
import { formattingLocale, pickLanguage } from "./locale";
import { en } from "./messages/en";
import { ko } from "./messages/ko";

describe("pickLanguage", () => {
  it("follows the browser's first language the site speaks", () => {
    expect(pickLanguage(["ko-KR", "en-US"], null)).toBe("ko");
    expect(pickLanguage(["fr-FR", "ko"], null)).toBe("ko");
    expect(pickLanguage(["en-GB", "ko-KR"], null)).toBe("en");
    expect(pickLanguage(["fr-FR"], null)).toBe("en");
    expect(pickLanguage([], null)).toBe("en");
  });

  it("prefers the user's own choice from the switch", () => {
    expect(pickLanguage(["ko-KR"], "en")).toBe("en");
    expect(pickLanguage(["en-US"], "ko")).toBe("ko");
    expect(pickLanguage(["ko-KR"], "klingon")).toBe("ko");
  });
});

describe("formattingLocale", () => {
  it("keeps the browser's regional tag when it matches the UI language", () => {
    expect(formattingLocale("en", ["en-GB", "ko-KR"])).toBe("en-GB");
    expect(formattingLocale("ko", ["en-GB", "ko-KR"])).toBe("ko-KR");
    expect(formattingLocale("ko", ["en-US"])).toBe("ko");
  });
});

describe("catalogs", () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it("have the same keys, no empty message, and the same placeholders in every language", () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const korean = ko[key as keyof typeof en];
      expect(korean.trim(), key).not.toBe("");
      expect(placeholders(korean), key).toEqual(placeholders(text));
    }
  });

  it("use the accessible names the issue fixes, in English", () => {
    const names = ["Email", "Password", "Sign in", "Sign out", "New task", "Title", "Content", "PIC", "Due date", "Status", "Save", "Delete", "To Do", "In Progress", "Done"];
    const values = new Set<string>(Object.values(en));
    for (const name of names) expect(values.has(name), name).toBe(true);
  });
});

describe("createI18n", () => {
  it("fills placeholders and picks plural forms", () => {
    const i18n = createI18n("en", ["en-US"]);
    expect(i18n.t("card.move", { title: "Fix printer" })).toBe("Move Fix printer");
    expect(i18n.plural(1, "column.count.one", "column.count.other")).toBe("1 task");
    expect(i18n.plural(3, "column.count.one", "column.count.other")).toBe("3 tasks");
    expect(createI18n("ko", ["ko-KR"]).plural(1, "column.count.one", "column.count.other")).toBe("작업 1개");
  });

  it("formats dates in the user's locale and waits in words", () => {
    const iso = "2026-11-21T09:05:00.000Z";
    expect(createI18n("en", ["en-US"]).dateTime(iso)).toBe(new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)));
    expect(createI18n("ko", ["ko-KR"]).dateTime(iso)).toBe(new Intl.DateTimeFormat("ko-KR", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)));
    expect(createI18n("en", ["en-US"]).inSeconds(840)).toBe("in 14 minutes");
    expect(createI18n("en", ["en-US"]).inSeconds(30)).toBe("in 30 seconds");
    expect(createI18n("ko", ["ko-KR"]).inSeconds(900)).toBe("15분 후");
  });
});
