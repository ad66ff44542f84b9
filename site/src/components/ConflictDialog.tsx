import type { TaskEditableField } from "../../../contracts/api";
import { useI18n } from "../i18n/I18nProvider";
import type { Conflict } from "../state/board";
import { Dialog } from "./Dialog";
import { describeFieldValue, FIELD_LABEL_KEYS } from "./field-values";

export interface ConflictDialogProps {
  readonly conflict: Conflict;
  readonly nameOf: (email: string) => string;
  readonly onReapply: () => void;
  readonly onKeep: () => void;
}

const FIELD_ORDER: readonly TaskEditableField[] = ["title", "content", "status", "pic", "dueAt", "position"];

/**
 * Someone saved the task first. Shows the server's version next to the user's
 * change, and lets the user send their change again on top of it; nothing is
 * dropped without the user choosing so.
 */
export function ConflictDialog({ conflict, nameOf, onReapply, onKeep }: ConflictDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { current, attempted, base } = conflict;
  // Every field the user changed, and every field the other person changed since the user's copy.
  const fields = FIELD_ORDER.filter((field) =>
    field === "position"
      ? attempted.position !== undefined && attempted.status === undefined
      : attempted[field] !== undefined || base[field] !== current[field],
  );

  return (
    <Dialog labelledBy="conflict-heading" onClose={onKeep} class="conflict-dialog">
      <h2 id="conflict-heading">{t("conflict.heading")}</h2>
      <p>{t("conflict.explain", { title: current.title, version: current.version })}</p>
      <table class="conflict-table">
        <thead>
          <tr>
            <th scope="col">{t("conflict.field")}</th>
            <th scope="col">{t("conflict.current")}</th>
            <th scope="col">{t("conflict.yours")}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr key={field}>
              <th scope="row">{t(FIELD_LABEL_KEYS[field])}</th>
              {field === "position" ? (
                <>
                  <td>{describeFieldValue("status", current.status, i18n, nameOf)}</td>
                  <td>{t("conflict.place")}</td>
                </>
              ) : (
                <>
                  <td class="conflict-value">{describeFieldValue(field, current[field], i18n, nameOf, true)}</td>
                  <td class="conflict-value">
                    {attempted[field] === undefined ? t("conflict.unchanged") : describeFieldValue(field, attempted[field], i18n, nameOf, true)}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div class="form-actions">
        <button type="button" class="button-primary" onClick={onReapply}>
          {t("conflict.reapply")}
        </button>
        <button type="button" onClick={onKeep}>
          {t("conflict.keep")}
        </button>
      </div>
    </Dialog>
  );
}
