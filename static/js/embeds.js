// Embeds in a story (articles/body_media.py): nothing is requested from the provider until the reader
// presses "Load content from …"; then the provider's frame replaces the notice. Without this script the
// buttons stay hidden and each block keeps its link to the original.
"use strict";

document.querySelectorAll("figure.embed[data-embed-src]").forEach((block) => {
  const button = block.querySelector(".embed__load");
  const source = block.dataset.embedSrc;
  // Only frames over HTTPS, as the server built them (the page's CSP allows no others anyway).
  if (!button || !source.startsWith("https://")) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = source;
    frame.title = block.dataset.embedTitle || "Embedded content";
    frame.className = "embed__frame";
    frame.loading = "lazy";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.allow = "encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    block.querySelector(".embed__placeholder").replaceWith(frame);
    frame.focus();
  });
});
