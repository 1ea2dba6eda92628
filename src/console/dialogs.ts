/**
 * Modal dialogs on the native <dialog> element: it traps focus, closes on
 * Escape and has the dialog role, with no code of ours. Every dialog is removed
 * from the document when it closes, so a secret shown in one does not stay in
 * the DOM.
 */
import { type Child, h, uid } from "./dom";

function open(title: string, body: Child[], buttons: HTMLButtonElement[], onClose: () => void, wide = false): HTMLDialogElement {
  const titleId = uid("dialog-title");
  const dialog = h(
    "dialog",
    { "aria-labelledby": titleId, class: wide ? "wide" : undefined },
    h("h2", { id: titleId }, title),
    ...body,
    h("div", { class: "actions" }, ...buttons),
  );
  dialog.addEventListener("close", () => {
    onClose();
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * The copy-once dialog: the new secret, a Copy button and Done. Closing it
 * (Done or Escape) empties the field and removes the dialog: the secret is never
 * shown again.
 */
export function showSecret(title: string, label: string, secret: string, details: Child[] = []): Promise<void> {
  return new Promise((resolve) => {
    const area = h("textarea", { readonly: true, rows: 2, spellcheck: "false", autocomplete: "off", class: "secret" });
    area.value = secret;
    const status = h("p", { role: "status", class: "copy-status" });
    const copy = h("button", { type: "button" }, "Copy");
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(area.value);
        status.textContent = "Copied to the clipboard.";
      } catch {
        area.select();
        status.textContent = "Could not copy: the text is selected, press Ctrl+C (⌘C) to copy it.";
      }
    });
    const done = h("button", { type: "button", class: "primary" }, "Done");
    const areaId = uid("secret");
    area.id = areaId;
    const dialog = open(
      title,
      [
        h("p", { class: "warning" }, "Copy it now: it is shown only this once and cannot be read again."),
        ...details,
        h("label", { for: areaId }, label),
        area,
        status,
      ],
      [copy, done],
      () => {
        area.value = "";
        resolve();
      },
    );
    done.addEventListener("click", () => dialog.close());
    copy.focus();
  });
}

/** Asks before a destructive action; Cancel has the focus first. Resolves true when confirmed. */
export function confirmAction(title: string, message: Child, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    const cancel = h("button", { type: "button" }, "Cancel");
    const ok = h("button", { type: "button", class: "danger" }, action);
    const dialog = open(title, [h("p", {}, message)], [cancel, ok], () => resolve(confirmed));
    cancel.addEventListener("click", () => dialog.close());
    ok.addEventListener("click", () => {
      confirmed = true;
      dialog.close();
    });
    cancel.focus();
  });
}

/** A small form in a dialog (say, a rotation's grace period). Resolves its data, or null when cancelled. */
export function formDialog(title: string, fields: Child[], submitLabel: string): Promise<FormData | null> {
  return new Promise((resolve) => {
    let data: FormData | null = null;
    const form = h("form", {}, ...fields);
    const cancel = h("button", { type: "button" }, "Cancel");
    const ok = h("button", { type: "submit", class: "primary" }, submitLabel);
    form.id = uid("dialog-form");
    ok.setAttribute("form", form.id);
    const dialog = open(title, [form], [cancel, ok], () => resolve(data));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      data = new FormData(form);
      dialog.close();
    });
    cancel.addEventListener("click", () => dialog.close());
    form.querySelector<HTMLElement>("input, select")?.focus();
  });
}

/** A wide dialog that shows something (say, a credential's usage) until Close or Escape. */
export function showPanel(title: string, body: Child[]): Promise<void> {
  return new Promise((resolve) => {
    const close = h("button", { type: "button" }, "Close");
    const dialog = open(title, body, [close], resolve, true);
    close.addEventListener("click", () => dialog.close());
  });
}
