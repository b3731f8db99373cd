// Pictures and embeds for the writing desk's toolbar: desk.js asks `window.deskMedia.formats()` for three more
// buttons. Plain script, no build step. What they insert is the body's Markdown (rendered by articles.rendering):
//   Picture  → `![](image:ID)` as its own paragraph (alt text, caption and credit come from the library);
//   Gallery  → a `::: gallery` block with one `![](image:ID)` line per picture, closed by `:::`;
//   Embed    → an address on its own line (an allow-listed provider's becomes a click-to-load block).
// The pictures are chosen in the media library's chooser (media_library/chooser.py), fetched as HTML into a
// modal <dialog>: its search form, "More pictures" link and upload form are taken over here.
"use strict";

window.deskMedia = (() => {
  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  // A modal dialog of our own, outside the story form (a form may not hold another). `showModal` keeps Tab
  // inside it and closes it on Escape; on closing, focus goes back to where it was (or where the text went).
  function dialog(id, heading) {
    const box = element("dialog", { class: "desk-media-dialog", id, "aria-labelledby": `${id}-heading` });
    box.append(element("h2", { id: `${id}-heading` }, heading));
    document.body.append(box);
    let returnTo = null;
    box.addEventListener("close", () => returnTo && returnTo.focus());
    // Escape closes it from anywhere in it: Chromium lets a search box keep the key for clearing itself.
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      box.close();
    });
    return {
      box,
      open(focusAfterwards) {
        returnTo = focusAfterwards;
        box.showModal();
      },
      close(focusAfterwards) {
        if (focusAfterwards !== undefined) returnTo = focusAfterwards;
        box.close();
      },
    };
  }

  function chooser(config, insertBlock) {
    const { box, open, close } = dialog("desk-chooser", "Choose a picture");
    const heading = box.querySelector("h2");
    const status = element("p", { class: "desk-media-dialog__status", role: "status" });
    const content = element("div", { class: "desk-media-dialog__content" });
    const insertGallery = element("button", { type: "button", class: "button default" }, "Insert gallery");
    const cancel = element("button", { type: "button", class: "button" }, "Cancel");
    const actions = element("p", { class: "desk-media-dialog__actions" });
    actions.append(insertGallery, " ", cancel);
    box.append(status, content, actions);
    cancel.addEventListener("click", () => close());

    let gallery = false; // choosing several pictures, in the order clicked
    let chosen = [];
    let cursor = [0, 0];

    function markChosen() {
      for (const button of content.querySelectorAll(".media-chooser-choice")) {
        if (gallery) button.setAttribute("aria-pressed", String(chosen.includes(button.dataset.imageId)));
        else button.removeAttribute("aria-pressed");
      }
      if (gallery) {
        status.textContent = `${chosen.length} picture${chosen.length === 1 ? "" : "s"} chosen (at least 2).`;
      }
    }

    async function fetchFragment(url) {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      // A redirect is to the login page (the session ended): not a list of pictures.
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      // Rendered by Django's templates (everything escaped), from our own admin.
      const holder = element("template");
      holder.innerHTML = await response.text();
      return holder.content;
    }

    async function load(url, focusSearch = false) {
      status.textContent = "Loading pictures…";
      try {
        content.replaceChildren(await fetchFragment(url));
      } catch (error) {
        status.textContent = "The library could not be reached just now (still logged in?). Try again in a moment.";
        return;
      }
      status.textContent = "";
      markChosen();
      if (focusSearch) content.querySelector("input[type=search]").focus();
    }

    async function loadMore(link) {
      let more;
      try {
        more = await fetchFragment(link.href);
      } catch (error) {
        status.textContent = "More pictures could not be loaded just now.";
        return;
      }
      const added = [...more.querySelectorAll(".media-chooser-results > li")];
      content.querySelector(".media-chooser-results").append(...added);
      const next = more.querySelector(".media-chooser-more");
      if (next) link.href = next.href;
      else link.parentElement.remove();
      markChosen();
      status.textContent = `${added.length} more pictures.`;
      if (added.length) added[0].querySelector("button").focus(); // the keyboard continues where the list grew
    }

    function finish(ids) {
      const block = gallery ? ["::: gallery", ...ids.map((id) => `![](image:${id})`), ":::"].join("\n") : `![](image:${ids[0]})`;
      close(null);
      insertBlock(block, cursor);
    }

    async function upload(form) {
      const errors = form.querySelector(".media-chooser-upload-errors");
      if (!form.elements.file.files.length || !form.elements.alt_text.value.trim()) {
        errors.textContent = "Choose a file and describe it in the alt text.";
        return;
      }
      errors.textContent = "Uploading…";
      let answer;
      let response;
      try {
        response = await fetch(form.action, { method: "POST", credentials: "same-origin", body: new FormData(form) });
        answer = await response.json();
      } catch (error) {
        errors.textContent = "The upload did not reach the server (no connection?). Nothing was lost: try again.";
        return;
      }
      if (!response.ok) {
        errors.textContent = (answer.errors || []).map((e) => (e.label ? `${e.label}: ${e.message}` : e.message)).join(" ");
        return;
      }
      if (!gallery) return finish([String(answer.id)]);
      chosen.push(String(answer.id));
      await load(config.chooser_url); // newest first: the new picture leads the list, already chosen
      status.textContent = `Uploaded “${answer.alt_text}” and added it. ${status.textContent}`;
    }

    content.addEventListener("click", (event) => {
      const choice = event.target.closest(".media-chooser-choice");
      const more = event.target.closest(".media-chooser-more");
      if (more) {
        event.preventDefault();
        loadMore(more);
      } else if (choice && !gallery) {
        finish([choice.dataset.imageId]);
      } else if (choice) {
        const id = choice.dataset.imageId;
        chosen = chosen.includes(id) ? chosen.filter((other) => other !== id) : [...chosen, id];
        markChosen();
      }
    });
    content.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      if (form.matches(".media-chooser-search")) {
        load(`${config.chooser_url}?${new URLSearchParams({ q: form.elements.q.value })}`, true);
      } else {
        upload(form);
      }
    });
    insertGallery.addEventListener("click", () => {
      if (chosen.length < 2) {
        status.textContent = "A gallery needs at least 2 pictures: choose them by clicking, then insert.";
        return;
      }
      finish(chosen);
    });

    return (several, range) => {
      gallery = several;
      chosen = [];
      cursor = range;
      heading.textContent = several ? "Choose pictures for a gallery" : "Choose a picture";
      insertGallery.hidden = !several;
      open(document.activeElement);
      load(config.chooser_url, true);
    };
  }

  function embedder(config, insertBlock) {
    const { box, open, close } = dialog("desk-embed", "Embed a post or video");
    const form = element("form", { method: "dialog", novalidate: "" });
    const address = element("input", { type: "url", id: "desk-embed-url", placeholder: "https://", "aria-describedby": "desk-embed-help" });
    const providers = config.embed_providers || [];
    const help = element(
      "p",
      { id: "desk-embed-help", class: "help" },
      `An address from ${providers.join(", ")} becomes a block that readers load with a click: nothing is sent to ` +
        "the provider before. An address from any other site stays a plain link.",
    );
    const error = element("p", { class: "desk-media-dialog__error", role: "alert" });
    const actions = element("p", { class: "desk-media-dialog__actions" });
    actions.append(
      element("button", { type: "submit", class: "button default" }, "Insert"),
      " ",
      element("button", { type: "button", class: "button", "data-cancel": "" }, "Cancel"),
    );
    form.append(element("label", { for: "desk-embed-url" }, "Address (URL)"), address, help, error, actions);
    box.append(form);
    let cursor = [0, 0];
    form.querySelector("[data-cancel]").addEventListener("click", () => close());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const url = address.value.trim();
      // Only an address alone on its line becomes an embed, and only http(s) ones are kept by the sanitizer.
      if (!/^https?:\/\/[^\s<>"]+$/i.test(url)) {
        error.textContent = "Enter the full address of the post or video, starting with https://.";
        address.focus();
        return;
      }
      close(null);
      insertBlock(url, cursor);
    });
    return (range) => {
      cursor = range;
      address.value = "";
      error.textContent = "";
      open(document.activeElement);
      address.focus();
    };
  }

  // The buttons desk.js adds to its toolbar. `insertBlock(text, [start, end])` puts text as its own paragraph at
  // the cursor remembered when the dialog opened; `cursor()` reads it.
  function formats(config, { insertBlock, cursor }) {
    const choose = chooser(config, insertBlock);
    const embed = embedder(config, insertBlock);
    return [
      { label: "Picture", apply: () => choose(false, cursor()) },
      { label: "Gallery", apply: () => choose(true, cursor()) },
      { label: "Embed", apply: () => embed(cursor()) },
    ];
  }

  return { formats };
})();
