import { useI18n } from "../i18n/I18nProvider";
import { isLanguage, LANGUAGES, type Language } from "../i18n/locale";

/** Each language is named in itself, so anyone can find their own. */
const NATIVE_NAMES: Readonly<Record<Language, string>> = { en: "English", ko: "한국어" };

export function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label class="language-switch">
      <span>{t("language.label")}</span>
      <select
        value={language}
        onChange={(event) => {
          const next = event.currentTarget.value;
          if (isLanguage(next)) setLanguage(next);
        }}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {NATIVE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
