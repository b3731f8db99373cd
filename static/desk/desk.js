// The writing desk (desk/): what the story form offers while writing. One plain script, no build step.
// It reads its addresses and timings from the #desk-config data block (desk/templatetags/desk.py) and
// enhances the admin's story form; without it the form works exactly as before.
"use strict";

(() => {
  const configBlock = document.getElementById("desk-config");
  const form = document.getElementById("article_form");
  const body = form && form.querySelector("textarea[name=body]");
  if (!configBlock || !body) return;
  const config = JSON.parse(configBlock.textContent);
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const title = form.querySelector("[name=title]");
  const standfirst = form.querySelector("[name=standfirst]");
  const kicker = form.querySelector("[name=kicker]");

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function send(url, { method = "POST", data, signal } = {}) {
    return fetch(url, {
      method,
      credentials: "same-origin",
      signal,
      headers: { "X-CSRFToken": csrfToken, "Content-Type": "application/json", Accept: "application/json" },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
  }

  // Python's len() counts code points; so does spreading a string.
  const lengthOf = (text) => [...text].length;
  const plural = (count, word) => `${count.toLocaleString()} ${word}${count === 1 ? "" : "s"}`;

  // --- Layout: the body with its toolbar and counts, and the preview beside it (a tab on narrow screens) ---

  const writer = element("div", { class: "desk-writer", "data-tab": "write" });
  const tabs = element("div", { class: "desk-tabs", role: "tablist", "aria-label": "Writing or preview" });
  const writeTab = element("button", { type: "button", role: "tab", id: "desk-tab-write", "aria-controls": "desk-editor" }, "Write");
  const previewTab = element("button", { type: "button", role: "tab", id: "desk-tab-preview", "aria-controls": "desk-preview" }, "Preview");
  tabs.append(writeTab, previewTab);
  const editor = element("div", { class: "desk-editor", id: "desk-editor", role: "tabpanel", "aria-labelledby": "desk-tab-write" });
  const preview = element("section", {
    class: "desk-preview", id: "desk-preview", role: "tabpanel", "aria-labelledby": "desk-tab-preview",
  });
  const previewStatus = element("p", { class: "desk-preview__status", role: "status" });
  const previewPage = element("div", { class: "desk-preview__page" });
  const previewKicker = element("p", { class: "desk-preview__kicker" });
  const previewTitle = element("p", { class: "story__title" });
  const previewStandfirst = element("p", { class: "story__standfirst" });
  const previewBody = element("div", { class: "story__body" });
  previewPage.append(previewKicker, previewTitle, previewStandfirst, previewBody);
  preview.append(element("h2", { class: "desk-preview__heading" }, "Preview"), previewStatus, previewPage);

  const counts = element("p", { class: "desk-counts", id: "desk-body-counts" });
  const wordCount = element("span", { "data-count": "words" });
  const characterCount = element("span", { "data-count": "characters" });
  const readingTime = element("span", { "data-count": "reading" });
  counts.append(wordCount, " · ", characterCount, " · ", readingTime);

  body.replaceWith(writer);
  editor.append(body, counts);
  writer.append(tabs, editor, preview);
  body.setAttribute("aria-describedby", [body.getAttribute("aria-describedby"), "desk-body-counts"].filter(Boolean).join(" "));

  function showTab(name) {
    writer.dataset.tab = name;
    for (const [tab, tabName] of [[writeTab, "write"], [previewTab, "preview"]]) {
      tab.setAttribute("aria-selected", String(name === tabName));
      tab.tabIndex = name === tabName ? 0 : -1;
    }
  }
  writeTab.addEventListener("click", () => showTab("write"));
  previewTab.addEventListener("click", () => showTab("preview"));
  tabs.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      const next = writer.dataset.tab === "write" ? previewTab : writeTab;
      showTab(next === writeTab ? "write" : "preview");
      next.focus();
    }
  });
  showTab("write");

  // --- Toolbar and shortcuts: what the body's Markdown supports (articles/rendering.py) ---

  function replaceSelection(text, selectFrom, selectTo) {
    body.focus();
    const start = body.selectionStart;
    // insertText keeps the browser's undo history; where it is missing, setRangeText does the same edit.
    if (!document.execCommand("insertText", false, text)) {
      body.setRangeText(text, start, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    body.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function wrapSelection(marker, placeholder) {
    const selected = body.value.slice(body.selectionStart, body.selectionEnd) || placeholder;
    replaceSelection(`${marker}${selected}${marker}`, marker.length, marker.length + selected.length);
  }

  function prefixLines(prefix) {
    // Whole lines: a subheading, quote or list item starts at the beginning of its line. Again removes it.
    const value = body.value;
    const lineStart = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    const found = value.indexOf("\n", Math.max(body.selectionEnd, lineStart));
    const lineEnd = found === -1 ? value.length : found;
    body.setSelectionRange(lineStart, lineEnd);
    const lines = value.slice(lineStart, lineEnd).split("\n");
    const undo = lines.every((line) => line.startsWith(prefix));
    const text = lines.map((line) => (undo ? line.slice(prefix.length) : prefix + line)).join("\n");
    replaceSelection(text, lines.length === 1 ? text.length : 0, text.length);
  }

  // The link dialog lives outside the story form: a form may not hold another.
  const linkDialog = element("dialog", { class: "desk-link-dialog", "aria-labelledby": "desk-link-heading" });
  const linkForm = element("form", { method: "dialog", novalidate: "" }); // its own check below says what is wrong
  const linkText = element("input", { type: "text", id: "desk-link-text" });
  const linkAddress = element("input", { type: "url", id: "desk-link-url", placeholder: "https://", required: "" });
  const linkError = element("p", { class: "desk-link-dialog__error", role: "alert" });
  const linkActions = element("p", { class: "desk-link-dialog__actions" });
  linkActions.append(
    element("button", { type: "submit", class: "button default", value: "insert" }, "Insert link"),
    " ",
    element("button", { type: "button", class: "button", "data-cancel": "" }, "Cancel"),
  );
  linkForm.append(
    element("h2", { id: "desk-link-heading" }, "Insert a link"),
    element("label", { for: "desk-link-text" }, "Link text"),
    linkText,
    element("label", { for: "desk-link-url" }, "Address (URL)"),
    linkAddress,
    linkError,
    linkActions,
  );
  linkDialog.append(linkForm);
  document.body.append(linkDialog);
  let linkRange = [0, 0];

  function openLinkDialog() {
    linkRange = [body.selectionStart, body.selectionEnd];
    linkText.value = body.value.slice(...linkRange);
    linkAddress.value = "";
    linkError.textContent = "";
    linkDialog.showModal();
    (linkText.value ? linkAddress : linkText).focus();
  }
  linkForm.addEventListener("submit", (event) => {
    let address = linkAddress.value.trim();
    if (address && !/^[a-z][a-z0-9+.-]*:/i.test(address)) address = `https://${address}`;
    // Only what the readers' sanitizer keeps: anything else would vanish from the story.
    if (!/^(https?:\/\/|mailto:|tel:)\S+$/i.test(address)) {
      event.preventDefault();
      linkError.textContent = "Enter an address starting with https://, http://, mailto: or tel:.";
      linkAddress.focus();
      return;
    }
    linkDialog.close();
    event.preventDefault();
    const text = linkText.value || address;
    body.focus();
    body.setSelectionRange(...linkRange);
    replaceSelection(`[${text}](${address})`, 1, 1 + text.length);
  });
  linkDialog.querySelector("[data-cancel]").addEventListener("click", () => linkDialog.close());
  linkDialog.addEventListener("close", () => body.focus());

  function insertBlock(block, [, end]) {
    // A block of its own (figure, gallery, embed): blank lines around it, at the end of what was selected
    // (selected words are kept), so that it is a paragraph alone whatever the cursor was in.
    const before = body.value.slice(0, end);
    const after = body.value.slice(end);
    const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = !after || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    body.focus();
    body.setSelectionRange(end, end);
    const text = lead + block + trail;
    replaceSelection(text, text.length, text.length);
  }

  const FORMATS = [
    { label: "Subheading", apply: () => prefixLines("## ") },
    { label: "Bold", keys: "b", apply: () => wrapSelection("**", "bold text") },
    { label: "Italic", keys: "i", apply: () => wrapSelection("*", "italic text") },
    { label: "Link", keys: "k", apply: openLinkDialog },
    { label: "Quote", apply: () => prefixLines("> ") },
    { label: "List", apply: () => prefixLines("- ") },
  ];
  // Picture, Gallery and Embed (static/desk/media.js), for those who may use the media library.
  if (window.deskMedia && config.chooser_url) {
    const cursor = () => [body.selectionStart, body.selectionEnd];
    FORMATS.push(...window.deskMedia.formats(config, { insertBlock, cursor }));
  }
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  const toolbar = element("div", { class: "desk-toolbar", role: "toolbar", "aria-label": "Formatting", "aria-controls": body.id });
  for (const format of FORMATS) {
    const shortcut = format.keys ? `${isMac ? "Meta" : "Control"}+${format.keys.toUpperCase()}` : null;
    const button = element("button", { type: "button", class: `desk-toolbar__${format.label.toLowerCase()}` }, format.label);
    if (shortcut) {
      button.setAttribute("aria-keyshortcuts", shortcut);
      button.title = `${format.label} (${isMac ? "⌘" : "Ctrl+"}${format.keys.toUpperCase()})`;
    }
    button.addEventListener("click", format.apply);
    toolbar.append(button);
  }
  editor.prepend(toolbar);
  // One stop for Tab; the arrow keys, Home and End move between the buttons (the ARIA toolbar pattern).
  const toolButtons = [...toolbar.querySelectorAll("button")];
  toolButtons.forEach((button, index) => (button.tabIndex = index === 0 ? 0 : -1));
  toolbar.addEventListener("keydown", (event) => {
    const at = toolButtons.indexOf(document.activeElement);
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: toolButtons.length - 1 };
    if (at === -1 || !(event.key in moves)) return;
    event.preventDefault();
    const next = toolButtons[(moves[event.key] + toolButtons.length) % toolButtons.length];
    toolButtons.forEach((button) => (button.tabIndex = button === next ? 0 : -1));
    next.focus();
  });
  body.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const format = FORMATS.find((candidate) => candidate.keys === event.key.toLowerCase());
    if (format) {
      event.preventDefault();
      format.apply();
    }
  });

  // --- Counts: the body's words, characters and reading time; headline and standfirst against what search shows ---

  function updateBodyCounts() {
    const text = body.value;
    const words = text.trim() ? text.trim().split(/\s+/).length : 0;
    wordCount.textContent = plural(words, "word");
    characterCount.textContent = plural(lengthOf(text), "character");
  }

  function lengthMeter(field, limit, what) {
    if (!field) return;
    const meter = element("span", { class: "desk-length", id: `desk-length-${field.name}` });
    field.after(meter);
    field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), meter.id].filter(Boolean).join(" "));
    const update = () => {
      const length = lengthOf(field.value);
      const over = length > limit;
      meter.classList.toggle("desk-length--over", over);
      meter.textContent = `${length} / ${limit} characters` + (over ? ` — longer than ${what} show` : "");
    };
    field.addEventListener("input", update);
    update();
  }
  lengthMeter(title, 60, "search engines");
  lengthMeter(standfirst, 160, "search results");

  // --- Live preview: the server renders with the readers' renderer and sanitizer, half a second after a pause ---

  const PAUSE_MS = 400;
  let previewTimer = null;
  let previewRequest = null;

  function updatePreviewHeader() {
    previewKicker.textContent = kicker ? kicker.value : "";
    previewTitle.textContent = title ? title.value : "";
    previewStandfirst.textContent = standfirst ? standfirst.value : "";
  }

  async function renderPreview() {
    if (previewRequest) previewRequest.abort();
    const request = (previewRequest = new AbortController());
    try {
      const response = await send(config.preview_url, { data: { body: body.value }, signal: request.signal });
      const answer = await response.json();
      if (!response.ok) {
        previewStatus.textContent = answer.error || "The preview is not available just now.";
        if (response.status === 429) schedulePreview(3000);
        return;
      }
      // A picture the body names that readers will not see (deleted, licence run out) is said here.
      previewStatus.textContent = (answer.warnings || []).join(" ");
      previewBody.innerHTML = answer.html; // sanitized by the server exactly as for readers
      readingTime.textContent = `${answer.reading_minutes} min read`;
      if (searchPreview || socialPreview) updateSharingPreviews(); // without a standfirst, the body describes it
    } catch (error) {
      if (error.name !== "AbortError") previewStatus.textContent = "The preview could not be updated (no connection?).";
    }
  }

  function schedulePreview(delay = PAUSE_MS) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderPreview, delay);
  }

  body.addEventListener("input", () => {
    updateBodyCounts();
    schedulePreview();
  });
  for (const field of [title, standfirst, kicker]) if (field) field.addEventListener("input", updatePreviewHeader);
  updateBodyCounts();
  updatePreviewHeader();
  renderPreview();

  // --- Search-result and social-card previews (articles/admin/sharing.py renders them first): live, with the
  // server's fallbacks (Article.search_title, search_description, sharing_image) and its cuts (Truncator) ---

  const searchPreview = document.getElementById("search-preview");
  const socialPreview = document.getElementById("social-preview");
  const SEARCH_TITLE_LENGTH = 60;
  const SEARCH_DESCRIPTION_LENGTH = 160;
  const field = (name) => form.querySelector(`[name="${name}"]`);
  // Django's form fields strip what is typed before saving, so an SEO title of spaces is no SEO title.
  const typed = (name) => (field(name) ? field(name).value.trim() : "");

  function cutCharacters(text, limit) {
    // Truncator.chars: combining marks do not count; beyond the limit, limit - 1 characters and "…".
    const characters = [...text.normalize("NFC")];
    let counted = 0;
    let end = null;
    for (const [index, character] of characters.entries()) {
      if (/\p{M}/u.test(character)) continue;
      counted += 1;
      if (end === null && counted > limit - 1) end = index;
      if (counted > limit) return `${characters.slice(0, end).join("")}…`;
    }
    return characters.join("");
  }

  function cutWords(text, limit) {
    // Truncator.words: whitespace-separated words, "…" after the last kept one.
    const words = text.split(/\s+/).filter(Boolean);
    return words.length > limit ? `${words.slice(0, limit).join(" ")}…` : words.join(" ");
  }

  // Article.description: the standfirst, else the first 40 words of the body as readers get it (the preview's).
  const searchTitle = () => typed("seo_title") || typed("title");
  const searchDescription = () =>
    typed("meta_description") || typed("standfirst") || cutWords(previewBody.textContent, 40);

  function chosenPicture(name) {
    // A file picked just now, else the one already saved (the admin's "Currently" link) unless "Clear" is ticked.
    const input = form.querySelector(`input[type=file][name="${name}"]`);
    if (!input) return null;
    if (input.files && input.files.length) return { src: URL.createObjectURL(input.files[0]), name: input.files[0].name };
    const widget = input.closest(".file-upload");
    const current = widget && widget.querySelector("a[href]");
    const clear = form.querySelector(`input[name="${name}-clear"]`);
    return current && !(clear && clear.checked) ? { src: current.href, name: current.textContent.trim() } : null;
  }

  let pictureAddress = null; // a picked file's temporary address, let go when another replaces it
  // The lead picture comes from the library (chosen in an autocomplete box, saved with the story): what the
  // server showed when no social image was saved is the card's picture whenever no social image is chosen.
  const savedLead = socialPreview && !chosenPicture("social_image")
    && socialPreview.querySelector("img.social-preview__image");
  const leadPicture = savedLead ? { src: savedLead.src, alt: savedLead.alt, name: "" } : null;

  function updateSocialPicture() {
    const social = chosenPicture("social_image");
    const [picture, alt] = social ? [social, typed("social_image_alt")] : [leadPicture, leadPicture?.alt || ""];
    const shown = socialPreview.querySelector(".social-preview__image, .social-preview__no-image");
    let replacement;
    if (picture) {
      replacement = element("img", { class: "social-preview__image", src: picture.src, alt });
      replacement.dataset.file = picture.name;
    } else {
      replacement = element("span", { class: "social-preview__no-image" }, "No picture: add a lead or social image");
    }
    if (pictureAddress && pictureAddress !== picture?.src) URL.revokeObjectURL(pictureAddress);
    pictureAddress = picture && picture.src.startsWith("blob:") ? picture.src : null;
    if (shown) shown.replaceWith(replacement);
    else socialPreview.prepend(replacement);
  }

  function updateSharingPreviews() {
    const title = searchTitle() || "The headline appears here";
    const description = searchDescription() || "The standfirst appears here.";
    if (searchPreview) {
      searchPreview.querySelector(".search-preview__title").textContent = cutCharacters(title, SEARCH_TITLE_LENGTH);
      searchPreview.querySelector(".search-preview__description").textContent = cutCharacters(
        description, SEARCH_DESCRIPTION_LENGTH,
      );
    }
    if (socialPreview) {
      socialPreview.querySelector(".social-preview__title").textContent = title;
      socialPreview.querySelector(".social-preview__description").textContent = cutCharacters(
        description, SEARCH_DESCRIPTION_LENGTH,
      );
    }
  }

  const SHARING_FIELDS = new Set(["title", "standfirst", "seo_title", "meta_description"]);
  const PICTURE_FIELDS = new Set([
    "social_image", "social_image-clear", "social_image_alt",
  ]);
  for (const kind of ["input", "change"]) {
    form.addEventListener(kind, (event) => {
      const name = event.target.name;
      if (SHARING_FIELDS.has(name)) updateSharingPreviews();
      if (socialPreview && PICTURE_FIELDS.has(name)) updateSocialPicture();
    });
  }


  // --- The form's state: every field a person types or picks, by name (not files, hidden fields or byline rows) ---

  const SKIPPED_TYPES = new Set(["file", "hidden", "submit", "button", "reset", "password", "image"]);

  function formFields() {
    const fields = {};
    for (const field of form.elements) {
      // Formset fields (bylines-0-author) have a dash; the desk's own controls have no name.
      if (!field.name || field.name.includes("-") || SKIPPED_TYPES.has(field.type) || field.disabled) continue;
      if (field.type === "checkbox") fields[field.name] = field.checked;
      else if (field.type === "radio") {
        if (field.checked) fields[field.name] = field.value;
      } else if (field.tagName === "SELECT" && field.multiple) {
        fields[field.name] = [...field.selectedOptions].map((option) => option.value);
      } else fields[field.name] = field.value;
    }
    return fields;
  }

  function applyFields(fields) {
    for (const [name, value] of Object.entries(fields)) {
      const found = form.elements.namedItem(name);
      if (!found) continue;
      const field = found instanceof RadioNodeList ? null : found;
      if (found instanceof RadioNodeList) {
        for (const radio of found) radio.checked = radio.value === value;
        continue;
      }
      if (SKIPPED_TYPES.has(field.type) || field.disabled || field.readOnly) continue;
      if (field.type === "checkbox") field.checked = Boolean(value);
      else if (field.tagName === "SELECT") {
        const wanted = new Set(Array.isArray(value) ? value : [value]);
        for (const option of field.options) option.selected = wanted.has(option.value);
      } else field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  const sameFields = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  // A form shown again with errors holds what was posted, which the server did not keep.
  const showingErrors = Boolean(form.querySelector(".errornote, .errorlist"));
  const savedFields = showingErrors ? null : formFields(); // the baseline for "unsaved changes"
  let submitting = false;

  // --- Unsaved-changes warning: leaving with edits not saved asks first (not once the form is being saved) ---

  const hasUnsavedChanges = () => !submitting && (savedFields === null || !sameFields(formFields(), savedFields));
  window.addEventListener("beforeunload", (event) => {
    if (hasUnsavedChanges()) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need it set to show the dialog
    }
  });

  // --- Autosave: every few seconds of activity, the form's unsaved state goes to the server as this person's
  // autosave; offline it waits in this browser (localStorage) and goes when the connection returns ---

  const NEW_TOKEN_KEY = "desk:new-story-token";
  // New stories this browser submitted: once saved, their autosaves are superseded and removed.
  const SUBMITTED_KEY = "desk:submitted-new-stories";
  const newStoryUrl = (someToken) => `${config.new_autosave_base}${someToken}/autosave/`;
  let submittedTokens = [];
  try {
    submittedTokens = JSON.parse(localStorage.getItem(SUBMITTED_KEY) || "[]");
  } catch (error) {
    submittedTokens = [];
  }
  let token = config.story === null ? sessionStorage.getItem(NEW_TOKEN_KEY) : null;
  // The add form shown again with errors is the same new story: its token stays.
  const stillWriting = config.story === null && showingErrors && token && submittedTokens.includes(token);
  const superseded = submittedTokens.filter((submitted) => !(stillWriting && submitted === token));
  if (config.story === null && (!token || superseded.includes(token))) {
    token = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    sessionStorage.setItem(NEW_TOKEN_KEY, token);
  }
  try {
    localStorage.setItem(SUBMITTED_KEY, JSON.stringify(stillWriting ? [token] : []));
    for (const submitted of superseded) localStorage.removeItem(`desk:autosave:new:${submitted}`);
  } catch (error) {
    // Storage forbidden: nothing was kept there either.
  }
  const cleanedUp = Promise.all(
    superseded.map((submitted) => send(newStoryUrl(submitted), { method: "DELETE" }).catch(() => {})),
  );
  const autosaveUrl = () => (config.story === null ? newStoryUrl(token) : config.autosave_url);
  const localKey = () => (config.story === null ? `desk:autosave:new:${token}` : `desk:autosave:story:${config.story}`);

  const autosaveStatus = element("p", { class: "desk-autosave-status", role: "status", "aria-live": "polite" });
  counts.after(autosaveStatus);

  let lastAutosaved = savedFields || {};
  let activeSinceLastTick = showingErrors;
  // Typing while an earlier autosave is still on offer keeps the new words, in the same place on the server:
  // the offer then still restores from this page, and discarding it must not delete the new words.
  let autosavedSinceOffer = false;

  function keepLocally(fields) {
    try {
      localStorage.setItem(localKey(), JSON.stringify({ fields, at: new Date().toISOString(), url: autosaveUrl() }));
    } catch (error) {
      // Storage full or forbidden: the server copy is all there is.
    }
  }

  async function pushAutosave(fields) {
    keepLocally(fields);
    try {
      const response = await send(autosaveUrl(), { data: { fields } });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      localStorage.removeItem(localKey());
      lastAutosaved = fields;
      autosavedSinceOffer = true;
      autosaveStatus.textContent = `Unsaved changes kept at ${answer.time}.`;
    } catch (error) {
      autosaveStatus.textContent = navigator.onLine
        ? "Could not keep your changes on the server just now; they are kept in this browser."
        : "Offline: your changes are kept in this browser and will be sent when the connection returns.";
    }
  }

  function autosaveTick() {
    if (submitting || !activeSinceLastTick) return;
    activeSinceLastTick = false;
    const fields = formFields();
    if (!sameFields(fields, lastAutosaved)) pushAutosave(fields);
  }

  form.addEventListener("input", () => {
    activeSinceLastTick = true;
  });
  form.addEventListener("change", () => {
    activeSinceLastTick = true;
  });
  setInterval(autosaveTick, config.autosave_seconds * 1000);
  window.addEventListener("online", () => {
    const pending = localStorage.getItem(localKey());
    if (pending) pushAutosave(JSON.parse(pending).fields);
  });
  form.addEventListener("submit", () => {
    submitting = true;
    if (token) {
      try {
        localStorage.setItem(SUBMITTED_KEY, JSON.stringify([...new Set([...submittedTokens, token])]));
      } catch (error) {
        // Then housekeeping removes the autosave in a few weeks.
      }
    }
  });

  // --- On opening: an autosave (on the server, or left in this browser) that differs from the form is offered ---

  const offer = document.getElementById("desk-offer");

  function lineDiff(before, after) {
    // Longest common subsequence of lines: enough for a story body, and no dependency.
    const a = before.split("\n");
    const b = after.split("\n");
    const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    const lines = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        lines.push([" ", a[i]]);
        i++;
        j++;
      } else if (j < b.length && (i === a.length || table[i][j + 1] >= table[i + 1][j])) lines.push(["+", b[j++]]);
      else lines.push(["-", a[i++]]);
    }
    return lines;
  }

  function fieldLabel(name) {
    const field = form.elements.namedItem(name);
    const label = field && field.id ? form.querySelector(`label[for="${field.id}"]`) : null;
    return label ? label.textContent.replace(/:$/, "").trim() : name;
  }

  function describeDifferences(current, autosaved) {
    const list = element("dl", { class: "desk-diff" });
    for (const [name, value] of Object.entries(autosaved)) {
      const now = current[name];
      if (JSON.stringify(now) === JSON.stringify(value) || now === undefined) continue;
      list.append(element("dt", {}, fieldLabel(name)));
      const lines = element("dd");
      const text = (v) => (Array.isArray(v) ? v.join(", ") : String(v));
      for (const [mark, line] of lineDiff(text(now), text(value))) {
        if (mark === " " && name === "body" && line === "") continue;
        const tag = mark === "+" ? "ins" : mark === "-" ? "del" : "span";
        lines.append(element(tag, {}, `${mark} ${line}`), "\n");
      }
      list.append(lines);
    }
    return list;
  }

  function showOffer(autosave) {
    const current = formFields();
    if (sameFields({ ...current, ...autosave.fields }, current)) return;
    autosavedSinceOffer = false;
    offer.replaceChildren();
    const message = element("p", { class: "desk-offer__message" });
    message.append(element("strong", {}, `You have unsaved changes from ${autosave.time}`));
    if (autosave.saved_since) {
      message.append(` (the story was saved since, by ${autosave.saved_since.by} at ${autosave.saved_since.time})`);
    }
    message.append(" — restore them or discard them?");
    const restore = element("button", { type: "button", class: "button default" }, "Restore");
    const discard = element("button", { type: "button", class: "button" }, "Discard");
    const details = element("details", { class: "desk-offer__details" });
    details.append(element("summary", {}, "What would change"), describeDifferences(current, autosave.fields));
    const actions = element("p", { class: "desk-offer__actions" });
    actions.append(restore, " ", discard);
    offer.append(message, actions, details);
    offer.hidden = false;
    offer.setAttribute("role", "region");
    offer.setAttribute("aria-label", "Unsaved changes");

    restore.addEventListener("click", () => {
      if (autosave.token) {
        token = autosave.token;
        sessionStorage.setItem(NEW_TOKEN_KEY, token);
      }
      applyFields(autosave.fields);
      lastAutosaved = {}; // the server may hold an older copy: the next tick sends this one
      if (autosave.localKey) localStorage.removeItem(autosave.localKey);
      offer.hidden = true;
      autosaveStatus.textContent = `Restored your unsaved changes from ${autosave.time}. Save the story to keep them.`;
      updateBodyCounts();
      updatePreviewHeader();
      renderPreview();
      body.focus();
    });
    discard.addEventListener("click", () => {
      const elsewhere = autosave.token && autosave.token !== token; // another tab's new story, not this form's
      if (elsewhere || !autosavedSinceOffer) {
        send(elsewhere ? newStoryUrl(autosave.token) : autosaveUrl(), { method: "DELETE" }).catch(() => {});
      }
      if (autosave.localKey) localStorage.removeItem(autosave.localKey);
      offer.hidden = true;
      autosaveStatus.textContent = "Discarded the unsaved changes.";
    });
    restore.focus({ preventScroll: true });
  }

  function newestLocalCopy() {
    // A new story's copy may be under another tab's token (a tab closed while offline): take the newest.
    const prefix = config.story === null ? "desk:autosave:new:" : null;
    const keys = prefix ? Object.keys(localStorage).filter((key) => key.startsWith(prefix)) : [localKey()];
    let newest = null;
    for (const key of keys) {
      try {
        const copy = JSON.parse(localStorage.getItem(key) || "null");
        if (copy && (!newest || new Date(copy.at) > new Date(newest.at))) {
          newest = { ...copy, localKey: key, token: prefix ? key.slice(prefix.length) : "" };
        }
      } catch (error) {
        localStorage.removeItem(key); // unreadable: nothing to offer from it
      }
    }
    return newest;
  }

  async function offerEarlierChanges() {
    const local = newestLocalCopy();
    let server = null;
    try {
      const response = await fetch(config.story === null ? config.new_autosave_url : config.autosave_url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) server = (await response.json()).autosave;
    } catch (error) {
      server = null; // offline: what this browser kept is all there is
    }
    if (local && (!server || new Date(local.at) > new Date(server.updated_at))) {
      const at = new Date(local.at);
      const time = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
      showOffer({ fields: local.fields, time, token: local.token, localKey: local.localKey, saved_since: null });
    } else if (server) {
      if (local) localStorage.removeItem(local.localKey); // the server has a newer copy
      showOffer(server);
    }
  }
  cleanedUp.then(offerEarlierChanges);

  // --- Labels the admin's byline table and autocomplete widgets lack, for screen readers ---

  function labelUnnamedControls() {
    for (const group of form.querySelectorAll(".inline-group .tabular")) {
      const headers = [...group.querySelectorAll("thead th")];
      const nameOf = (cell) => {
        const header = headers[cell.cellIndex];
        return header ? header.textContent.trim() : "";
      };
      for (const header of headers) {
        if (!header.textContent.trim()) header.append(element("span", { class: "visually-hidden" }, "Byline entry"));
      }
      group.querySelectorAll("tbody tr.form-row").forEach((row, index) => {
        for (const cell of row.cells) {
          const name = `${nameOf(cell)} ${index + 1}`.trim();
          for (const control of cell.querySelectorAll("input:not([type=hidden]), select")) {
            if (!control.labels.length && !control.hasAttribute("aria-label")) control.setAttribute("aria-label", name);
          }
          for (const box of cell.querySelectorAll(".select2 [role=combobox], .select2 [role=textbox]")) {
            if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", name);
          }
        }
      });
    }
    // Autocomplete boxes take their name from the field's own label.
    for (const select of form.querySelectorAll("select.admin-autocomplete")) {
      const label = select.labels[0];
      const container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) continue;
      if (!label.id) label.id = `${select.id}-label`;
      for (const box of container.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field")) {
        // Select2 names a box by its selection alone, which is empty for an optional field with nothing chosen.
        const ids = (box.getAttribute("aria-labelledby") || "").split(/\s+/).filter((id) => document.getElementById(id));
        if (!ids.includes(label.id)) box.setAttribute("aria-labelledby", [label.id, ...ids].join(" "));
      }
    }
  }
  // The admin's own scripts build the autocomplete boxes and byline rows at their own moments: label whatever appears.
  let labelling = false;
  new MutationObserver(() => {
    if (labelling) return;
    labelling = true;
    queueMicrotask(() => {
      labelUnnamedControls();
      labelling = false;
    });
  }).observe(form, { childList: true, subtree: true });
  labelUnnamedControls();

  // --- Presence: who else has this story open, kept current by a heartbeat; an editor may take it over ---

  const presence = document.getElementById("desk-presence");
  const openedVersionField = form.querySelector("input[name=opened_version]");
  const openedVersion = () => (openedVersionField ? Number(openedVersionField.value) : null);

  let tookOver = false;

  function showPresence(answer) {
    presence.replaceChildren();
    presence.classList.toggle("desk-presence--stale", Boolean(answer.stale));
    if (answer.stale) {
      const what = answer.stale.take_over ? "took over this story" : "saved this story";
      presence.append(
        element("p", {}, `${answer.stale.by} ${what} at ${answer.stale.time}, after you opened it: your next save will be refused as an edit conflict.`),
        element("p", {}, "Your text stays on this page and in your autosave: copy what you need, then open the story again."),
      );
    }
    for (const person of answer.editing) {
      presence.append(element("p", {}, `${person.name} is editing this story — since ${person.since}`));
    }
    if (tookOver) {
      presence.append(element("p", {}, "You took over this story: the others are told their next save will conflict."));
    } else if (answer.editing.length && answer.can_take_over && !answer.stale) {
      const takeOver = element("button", { type: "button", class: "button" }, "Take over");
      takeOver.addEventListener("click", async () => {
        const response = await send(config.take_over_url);
        if (!response.ok) return;
        // The others' forms now conflict on saving; this one carries the story's new version.
        if (openedVersionField) openedVersionField.value = (await response.json()).version;
        tookOver = true;
        showPresence(answer);
      });
      presence.append(takeOver);
    }
  }

  async function beat() {
    if (submitting) return;
    try {
      const response = await send(config.heartbeat_url, { data: { opened_version: openedVersion() } });
      if (response.ok) showPresence(await response.json());
    } catch (error) {
      // Offline: the others stop seeing this person after the stale window, which is right.
    }
  }

  if (config.heartbeat_url) {
    beat();
    setInterval(beat, config.heartbeat_seconds * 1000);
    window.addEventListener("pagehide", () => {
      if (submitting) return; // the save's own page opens at once and says it is here
      const goodbye = new FormData();
      goodbye.append("csrfmiddlewaretoken", csrfToken);
      navigator.sendBeacon(config.leave_url, goodbye);
    });
  }
})();
