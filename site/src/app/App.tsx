import { useCallback, useMemo, useRef, useState } from "preact/hooks";
import { createApiClient, type ApiClient } from "../api/client";
import { BoardPage } from "../components/BoardPage";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { SignIn, type SignInNote } from "../components/SignIn";
import { I18nProvider, useI18n } from "../i18n/I18nProvider";
import { browserSessionStorage, clearSession, loadSession, saveSession, type Session } from "../session/session";

export interface AppProps {
  /** Origin of the API. @default "" - same origin, `/api` (CloudFront or the dev proxy routes it) */
  readonly apiBaseUrl?: string;
  /** Where the session survives a reload. @default sessionStorage */
  readonly sessionStorage?: Storage | null;
  /** Where the language choice is remembered. @default localStorage */
  readonly languageStorage?: Storage | null;
  /** @default navigator.languages */
  readonly preferredLanguages?: readonly string[];
  /** @default - the system clock */
  readonly now?: () => Date;
}

const systemClock = (): Date => new Date();

export function App(props: AppProps) {
  return (
    <I18nProvider
      {...(props.preferredLanguages === undefined ? {} : { preferredLanguages: props.preferredLanguages })}
      {...(props.languageStorage === undefined ? {} : { storage: props.languageStorage })}
    >
      <Shell {...props} />
    </I18nProvider>
  );
}

function Shell({ apiBaseUrl, sessionStorage, now = systemClock }: AppProps) {
  const { t } = useI18n();
  const storage = useMemo(() => (sessionStorage === undefined ? browserSessionStorage() : sessionStorage), [sessionStorage]);
  const [session, setSession] = useState<Session | null>(() => loadSession(storage, now()));
  const [note, setNote] = useState<SignInNote | null>(null);
  // The client reads the token on every request; the ref keeps it current without rebuilding the client.
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const endSession = useCallback(
    (why: SignInNote) => {
      clearSession(storage);
      sessionRef.current = null;
      setSession(null);
      setNote(why);
    },
    [storage],
  );

  const api: ApiClient = useMemo(
    () =>
      createApiClient({
        ...(apiBaseUrl === undefined ? {} : { baseUrl: apiBaseUrl }),
        credentials: () => sessionRef.current,
        onSessionExpired: () => {
          if (sessionRef.current !== null) endSession("sessionExpired");
        },
        now,
      }),
    [apiBaseUrl, endSession, now],
  );

  const signedIn = (next: Session) => {
    saveSession(storage, next);
    sessionRef.current = next;
    setSession(next);
    setNote(null);
  };

  return (
    <div class="app">
      <header class="topbar">
        <h1>{t("app.title")}</h1>
        <div class="topbar-tools">
          <LanguageSwitch />
          {session === null ? null : (
            <>
              <p class="signed-in-as">{t("header.signedInAs", { name: session.user.name, role: t(`role.${session.user.role}`) })}</p>
              <button type="button" onClick={() => endSession("signedOut")}>
                {t("header.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      <main class="content">
        {session === null ? (
          <SignIn api={api} note={note} onSignedIn={signedIn} />
        ) : (
          // Keyed by user: a different sign-in starts from a fresh board.
          <BoardPage key={session.user.email} api={api} user={session.user} now={now} />
        )}
      </main>
    </div>
  );
}
