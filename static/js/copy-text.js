// The outage page's "Copy" buttons (templates/503.html): put a field's text on the clipboard.
// Without this script the buttons stay hidden and the text can still be selected and copied by hand.
"use strict";

document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  button.hidden = false;
  button.addEventListener("click", () => {
    field.select();
    // The clipboard needs a secure context; elsewhere the text is left selected for Ctrl+C.
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(() => {
        button.textContent = "Copied";
      });
    }
  });
});
