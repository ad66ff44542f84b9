import { useState } from "preact/hooks";
import type { CreateUserRequest, FieldProblem, User } from "../../../contracts/api";
import { FORM_LIMITS } from "../api/contract-values";
import { ConflictError, ValidationError } from "../api/errors";
import type { Outcome } from "../app/useBoard";
import { useI18n } from "../i18n/I18nProvider";
import { Dialog } from "./Dialog";

export interface UserDialogProps {
  readonly onCreate: (request: CreateUserRequest) => Promise<Outcome<User>>;
  readonly onClose: () => void;
}

type Field = "name" | "email" | "password";

/** A supervisor creates a PIC account: name, email and a first password. */
export function UserDialog({ onCreate, onClose }: UserDialogProps) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<Field, string>>({ name: "", email: "", password: "" });
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const [formError, setFormError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (values.name.trim() === "" || values.email.trim() === "" || values.password === "") {
      setFormError(t("user.required"));
      return;
    }
    if (values.password.length < FORM_LIMITS.passwordMinLength) {
      setFormError(t("user.passwordShort", { min: FORM_LIMITS.passwordMinLength }));
      return;
    }
    setBusy(true);
    setFormError(null);
    setProblems([]);
    const outcome = await onCreate({ name: values.name.trim(), email: values.email.trim(), password: values.password, role: "pic" });
    setBusy(false);
    if (outcome.ok) return onClose();
    const { error } = outcome;
    if (error instanceof ConflictError) setFormError(t("user.exists"));
    else if (error instanceof ValidationError) {
      setProblems(error.problems);
      setFormError(t("error.fixFields"));
    } else setFormError(error.code === "network" ? t("error.network") : t("error.generic"));
  }

  const problemOf = (name: Field): string | undefined => problems.find((p) => p.field === name)?.message;
  const described = (name: Field, hint: boolean) => {
    const ids = [hint ? `user-${name}-hint` : null, problemOf(name) === undefined ? null : `user-${name}-problem`].filter((id) => id !== null);
    return { "aria-invalid": problemOf(name) !== undefined, ...(ids.length > 0 ? { "aria-describedby": ids.join(" ") } : {}) };
  };
  const problemText = (name: Field) => {
    const problem = problemOf(name);
    return problem === undefined ? null : (
      <p class="field-problem" id={`user-${name}-problem`}>
        {problem}
      </p>
    );
  };
  const update = (name: Field) => (event: { currentTarget: HTMLInputElement }) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [name]: value }));
  };

  return (
    <Dialog labelledBy="user-dialog-heading" onClose={onClose} class="user-dialog">
      <div class="dialog-header">
        <h2 id="user-dialog-heading">{t("user.heading")}</h2>
        <button type="button" class="button-quiet" onClick={onClose}>
          {t("task.close")}
        </button>
      </div>
      <form class="form" noValidate onSubmit={submit}>
        <div class="field">
          <label for="user-name">{t("user.name")}</label>
          <input
            id="user-name"
            type="text"
            autocomplete="off"
            required
            maxLength={FORM_LIMITS.nameLength}
            value={values.name}
            onInput={update("name")}
            {...described("name", false)}
          />
          {problemText("name")}
        </div>
        <div class="field">
          <label for="user-email">{t("user.email")}</label>
          <input id="user-email" type="email" autocomplete="off" required value={values.email} onInput={update("email")} {...described("email", false)} />
          {problemText("email")}
        </div>
        <div class="field">
          <label for="user-password">{t("user.password")}</label>
          <input
            id="user-password"
            type="password"
            autocomplete="new-password"
            required
            maxLength={FORM_LIMITS.passwordMaxLength}
            value={values.password}
            onInput={update("password")}
            {...described("password", true)}
          />
          <p class="field-hint" id="user-password-hint">
            {t("user.passwordHint", { min: FORM_LIMITS.passwordMinLength })}
          </p>
          {problemText("password")}
        </div>
        <div role="alert" class="form-error">
          {formError === null ? null : <p>{formError}</p>}
        </div>
        <div class="form-actions">
          <button type="submit" class="button-primary" disabled={busy} aria-busy={busy}>
            {t("user.create")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
