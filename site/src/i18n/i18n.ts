import { en, type MessageKey, type Messages } from "./messages/en";
import { ko } from "./messages/ko";
import { formattingLocale, type Language } from "./locale";

export type { MessageKey } from "./messages/en";

const CATALOGS: Readonly<Record<Language, Messages>> = { en, ko };

export type MessageParams = Readonly<Record<string, string | number>>;

/** Everything components need to speak the user's language. */
export interface I18n {
  readonly language: Language;
  /** BCP 47 tag used for dates and numbers. */
  readonly locale: string;
  t(key: MessageKey, params?: MessageParams): string;
  /** Picks `one` or `other` by the language's plural rules; `{count}` is filled in. */
  plural(count: number, one: MessageKey, other: MessageKey, params?: MessageParams): string;
  /** Date and time in the user's locale and time zone. */
  dateTime(iso: string): string;
  /** "in 15 minutes" / "15분 후", rounded to the largest sensible unit. */
  inSeconds(seconds: number): string;
}

function fill(template: string, params: MessageParams | undefined): string {
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function createI18n(language: Language, preferredLanguages: readonly string[]): I18n {
  const messages = CATALOGS[language];
  const locale = formattingLocale(language, preferredLanguages);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const pluralRules = new Intl.PluralRules(locale);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  const t = (key: MessageKey, params?: MessageParams): string => fill(messages[key], params);

  return {
    language,
    locale,
    t,
    plural: (count, one, other, params) => t(pluralRules.select(count) === "one" ? one : other, { ...params, count }),
    dateTime: (iso) => {
      const time = Date.parse(iso);
      return Number.isNaN(time) ? iso : dates.format(time);
    },
    inSeconds: (seconds) => {
      if (seconds < 60) return relative.format(Math.max(1, Math.ceil(seconds)), "second");
      if (seconds < 3600) return relative.format(Math.ceil(seconds / 60), "minute");
      return relative.format(Math.ceil(seconds / 3600), "hour");
    },
  };
}
