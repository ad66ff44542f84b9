import { createContext, type ComponentChildren } from "preact";
import { useContext, useEffect, useMemo, useState } from "preact/hooks";
import { createI18n, type I18n } from "./i18n";
import { LANGUAGE_STORAGE_KEY, pickLanguage, type Language } from "./locale";

export interface I18nContextValue extends I18n {
  setLanguage(language: Language): void;
}

const I18nContext = createContext<I18nContextValue | null>(null);

export interface I18nProviderProps {
  readonly children: ComponentChildren;
  /** @default navigator.languages */
  readonly preferredLanguages?: readonly string[];
  /** Where the switch remembers the choice. @default localStorage (null when blocked) */
  readonly storage?: Storage | null;
}

function browserLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function readStored(storage: Storage | null): string | null {
  try {
    return storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function I18nProvider({ children, preferredLanguages, storage }: I18nProviderProps) {
  const languages = useMemo(() => preferredLanguages ?? navigator.languages ?? [navigator.language], [preferredLanguages]);
  const store = storage === undefined ? browserLocalStorage() : storage;
  const [language, setLanguageState] = useState<Language>(() => pickLanguage(languages, readStored(store)));

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = createI18n(language, languages).t("app.title");
  }, [language, languages]);

  const value = useMemo<I18nContextValue>(
    () => ({
      ...createI18n(language, languages),
      setLanguage: (next) => {
        try {
          store?.setItem(LANGUAGE_STORAGE_KEY, next);
        } catch {
          // Not remembered across visits, still switched now.
        }
        setLanguageState(next);
      },
    }),
    [language, languages, store],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nContextValue {
  const value = useContext(I18nContext);
  if (value === null) throw new Error("useI18n must be used inside <I18nProvider>");
  return value;
}
