/** Which language the UI speaks, and which locale formats its dates. */

export const LANGUAGES = ["en", "ko"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the user's explicit choice (the language switch) is remembered. */
export const LANGUAGE_STORAGE_KEY = "taskboard.language";

export const isLanguage = (value: unknown): value is Language => LANGUAGES.some((language) => language === value);

const baseOf = (tag: string): string => tag.toLowerCase().split("-")[0] ?? "";

/**
 * The stored choice if there is one, else the first of the browser's
 * preferred languages the site speaks (`ko-KR` → ko), else English.
 */
export function pickLanguage(preferred: readonly string[], stored: string | null): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = baseOf(tag);
    if (isLanguage(base)) return base;
  }
  return "en";
}

/**
 * The locale for dates: the browser's own tag when it is in the UI language
 * (`en-GB` keeps day-month order), else the UI language itself.
 */
export function formattingLocale(language: Language, preferred: readonly string[]): string {
  const match = preferred.find((tag) => baseOf(tag) === language);
  if (match === undefined) return language;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([match]).length > 0 ? match : language;
  } catch {
    return language;
  }
}
