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

  function send(url, { method = "POST", data, keepalive = false } = {}) {
    return fetch(url, {
      method,
      credentials: "same-origin",
      keepalive,
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
      const response = await fetch(config.preview_url, {
        method: "POST",
        credentials: "same-origin",
        signal: request.signal,
        headers: { "X-CSRFToken": csrfToken, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ body: body.value }),
      });
      const answer = await response.json();
      if (!response.ok) {
        previewStatus.textContent = answer.error || "The preview is not available just now.";
        if (response.status === 429) schedulePreview(3000);
        return;
      }
      previewStatus.textContent = "";
      previewBody.innerHTML = answer.html; // sanitized by the server exactly as for readers
      readingTime.textContent = `${answer.reading_minutes} min read`;
      writer.dispatchEvent(new CustomEvent("desk:previewed"));
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

  // Shared with the sections below.
  window.newsroomDesk = { config, form, body, send, element, renderPreview, updateBodyCounts, updatePreviewHeader, csrfToken };
})();
