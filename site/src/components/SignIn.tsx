import { useState } from "preact/hooks";
import type { ApiClient } from "../api/client";
import { ApiRequestError, ThrottledError } from "../api/errors";
import { useI18n } from "../i18n/I18nProvider";
import type { I18n } from "../i18n/i18n";
import { sessionFromLogin, type Session } from "../session/session";

/** Why the sign-in page is showing, when it is not the first visit. */
export type SignInNote = "sessionExpired" | "signedOut";

export interface SignInProps {
  readonly api: ApiClient;
  readonly note: SignInNote | null;
  readonly onSignedIn: (session: Session) => void;
}

/** What to tell the user about a failed sign-in. */
export function signInFailureMessage(error: unknown, i18n: Pick<I18n, "t" | "inSeconds">): string {
  const { t } = i18n;
  if (error instanceof ThrottledError) {
    return error.retryAfterSeconds === null ? t("signIn.throttledLater") : t("signIn.throttled", { when: i18n.inSeconds(error.retryAfterSeconds) });
  }
  if (error instanceof ApiRequestError) {
    if (error.code === "unauthorized") return t("signIn.wrongCredentials");
    if (error.code === "validation_failed") return t("signIn.missing");
    if (error.code === "network") return t("error.network");
  }
  return t("error.generic");
}

export function SignIn({ api, note, onSignedIn }: SignInProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (email.trim() === "" || password === "") {
      setMissing(true);
      setError(null);
      return;
    }
    setMissing(false);
    setError(null);
    setBusy(true);
    try {
      const response = await api.login({ email: email.trim(), password });
      onSignedIn(sessionFromLogin(response));
    } catch (failure) {
      setError(failure);
      setPassword("");
      setBusy(false);
    }
  }

  // Computed at render, so switching the language re-words a shown error too.
  const message = missing ? t("signIn.missing") : error === null ? null : signInFailureMessage(error, i18n);
  const invalid = message !== null;

  return (
    <section class="sign-in" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">{t("signIn.heading")}</h2>
      <div role="status" class="sign-in-note">
        {note === null ? null : <p class="note">{t(note === "sessionExpired" ? "signIn.sessionExpired" : "signIn.signedOut")}</p>}
      </div>
      <form class="form" noValidate onSubmit={submit} aria-describedby="sign-in-error">
        <div class="field">
          <label for="sign-in-email">{t("signIn.email")}</label>
          <input
            id="sign-in-email"
            type="email"
            name="email"
            autocomplete="username"
            inputMode="email"
            required
            value={email}
            aria-invalid={invalid}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sign-in-password">{t("signIn.password")}</label>
          <input
            id="sign-in-password"
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            aria-invalid={invalid}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        <div id="sign-in-error" role="alert" class="form-error">
          {message === null ? null : <p>{message}</p>}
        </div>
        <button type="submit" class="button-primary" disabled={busy} aria-busy={busy}>
          {t("signIn.submit")}
        </button>
      </form>
    </section>
  );
}
