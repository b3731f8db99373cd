// The live desk (live/admin.py): the new-post form at the top of a live story's page, sent without
// leaving the page; the list of posts under it comes back with the answer. One plain file, no build step.
// Without it, the form is an ordinary one that comes back to the same page.
"use strict";

(() => {
  const form = document.getElementById("live-post-form");
  const list = document.getElementById("live-desk-posts-list");
  if (!form || !list || !window.fetch) return;
  const result = form.querySelector(".live-desk__result");
  const button = form.querySelector("button[type=submit]");

  function clearErrors() {
    form.querySelectorAll(".errorlist[data-live]").forEach((errors) => errors.remove());
  }

  function showErrors(errors) {
    for (const [name, messages] of Object.entries(errors)) {
      const field = form.querySelector(`[name=${name}]`);
      const errorList = document.createElement("ul");
      errorList.className = "errorlist";
      errorList.dataset.live = "";
      for (const { message } of messages) {
        const item = document.createElement("li");
        item.textContent = message;
        errorList.append(item);
      }
      (field ? field.closest(".live-desk__field") : form).prepend(errorList);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    result.textContent = "Posting…";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const data = await response.json();
      if (data.ok) {
        list.innerHTML = data.posts; // the admin's own template
        const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
        form.reset();
        form.querySelector("input[name=csrfmiddlewaretoken]").value = csrf;
        result.textContent = data.message;
        form.querySelector("[name=body]").focus();
      } else {
        showErrors(data.errors || {});
        result.textContent = "Not posted: see above.";
      }
    } catch (error) {
      result.textContent = "Not posted: the newsroom could not be reached. Your text is still here.";
    } finally {
      button.disabled = false;
    }
  });
})();
