import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

export interface DialogProps {
  /** Id of the heading that names the dialog. */
  readonly labelledBy: string;
  /** Escape, or the close button: the owner unmounts the dialog. */
  readonly onClose: () => void;
  readonly children: ComponentChildren;
  readonly class?: string;
}

/**
 * A modal built on the native <dialog>: the browser traps focus, makes the
 * page behind it inert, closes on Escape and returns focus to where it was.
 * Mounted means open.
 */
export function Dialog({ labelledBy, onClose, children, class: className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={className === undefined ? "dialog" : `dialog ${className}`}
      aria-labelledby={labelledBy}
      onCancel={(event) => {
        // Escape: let the owner decide (it unmounts us), so state and DOM agree.
        event.preventDefault();
        onClose();
      }}
    >
      {children}
    </dialog>
  );
}
