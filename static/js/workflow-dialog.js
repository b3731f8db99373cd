// The story form's "Save and send back…" and "Save and unpublish…" (templates/admin/articles/article/
// change_form.html): ask for the note in a dialog on the page, whose button saves the form and takes the step.
// Without this script the links open the action's own page, which asks for the note there.
"use strict";

document.querySelectorAll("a[data-opens-dialog]").forEach((link) => {
  const dialog = document.getElementById(link.dataset.opensDialog);
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const note = dialog.querySelector("textarea");
  link.addEventListener("click", (event) => {
    event.preventDefault();
    note.disabled = false; // posted only from the dialog in use, never with a plain Save
    dialog.showModal();
    note.focus();
  });
  dialog.addEventListener("close", () => {
    note.disabled = true;
  });
  dialog.querySelector("[data-closes-dialog]").addEventListener("click", () => dialog.close());
  // The story form has novalidate; the note is still required, so check it here.
  dialog.querySelector("button[type=submit]").addEventListener("click", (event) => {
    if (!note.value.trim()) {
      event.preventDefault();
      note.value = "";
      note.reportValidity();
    }
  });
});
