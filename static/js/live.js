// Live coverage (live/): new posts without reloading. One plain script, no build step.
// Every few seconds it asks the update endpoint (the same address for every reader, kept by the page cache
// and answered 304 when nothing changed) and, when there are posts the page does not show, offers
// "3 new posts" above the feed. Nothing moves until the reader presses it. Without it, a reload shows them.
"use strict";

(() => {
  const feed = document.getElementById("live-feed");
  if (!feed || !feed.dataset.updatesUrl || !window.fetch) return;
  const url = feed.dataset.updatesUrl;
  const interval = Math.max(1, Number(feed.dataset.pollSeconds) || 20) * 1000;
  const notice = feed.querySelector(".live-feed__new");
  const button = feed.querySelector(".live-feed__reveal");
  const shown = new Set([...feed.querySelectorAll("[data-post-id]")].map((post) => Number(post.dataset.postId)));
  let waiting = []; // posts not shown yet, newest first: {id, html}
  let timer = null;

  function list() {
    let posts = feed.querySelector(".live-posts");
    if (!posts) {
      posts = document.createElement("ol");
      posts.className = "live-posts";
      posts.setAttribute("role", "list");
      const empty = feed.querySelector(".live-feed__empty");
      if (empty) empty.remove();
      notice.after(posts);
    }
    return posts;
  }

  function offer() {
    if (!waiting.length) {
      notice.hidden = true;
      return;
    }
    button.textContent = waiting.length === 1 ? "1 new post" : `${waiting.length} new posts`;
    notice.hidden = false;
  }

  function reveal() {
    const posts = list();
    // Oldest first, each before the one shown at the top: the newest ends first, as on the page.
    for (const post of [...waiting].reverse()) {
      const item = document.createElement("li");
      item.innerHTML = post.html; // the server's own sanitized HTML (articles/rendering.py)
      posts.prepend(item);
      shown.add(post.id);
    }
    const first = posts.querySelector("[data-post-id]");
    waiting = [];
    offer();
    if (first) {
      // Asked for: the newest post comes into view, and keyboard and screen-reader users start there.
      first.setAttribute("tabindex", "-1");
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    }
  }

  // Posts the page shows that were edited or deleted since: within the endpoint's newest posts (or all of
  // them, when it says it holds all), a post no longer there was deleted and goes; one with a new version
  // is replaced where it is.
  function refresh(posts, complete) {
    const byId = new Map(posts.map((post) => [post.id, post]));
    const oldest = complete ? -Infinity : Math.min(...posts.map((post) => Date.parse(post.posted_at)));
    const shownNow = feed.querySelectorAll(".live-posts [data-post-id]");
    const template = document.createElement("template");
    for (const article of shownNow) {
      const id = Number(article.dataset.postId);
      const current = byId.get(id);
      const time = article.querySelector(".live-post__time time");
      if (!current && time && Date.parse(time.getAttribute("datetime")) >= oldest) {
        article.closest("li").remove();
        shown.delete(id);
      } else if (current) {
        template.innerHTML = current.html.trim();
        const fresh = template.content.firstElementChild;
        if (fresh && fresh.dataset.version !== article.dataset.version) article.replaceWith(fresh);
      }
    }
  }

  async function poll() {
    timer = null;
    try {
      const response = await fetch(url, { cache: "no-cache", credentials: "omit", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        refresh(data.posts, data.complete);
        const current = new Set(data.posts.map((post) => post.id));
        waiting = waiting.filter((post) => current.has(post.id)); // offered, then deleted: no longer offered
        const known = new Set(waiting.map((post) => post.id));
        const fresh = data.posts.filter((post) => !shown.has(post.id) && !known.has(post.id));
        waiting = [...fresh, ...waiting].filter((post) => !shown.has(post.id));
        offer();
        if (!data.open) return; // closed: a reload shows the notice; nothing more will come
      }
    } catch (error) {
      // Offline for a moment: ask again at the next turn.
    }
    schedule();
  }

  function schedule() {
    // A little jitter, so that readers who opened the page together do not ask together.
    if (!document.hidden && timer === null) timer = setTimeout(poll, interval * (0.9 + Math.random() * 0.2));
  }

  button.addEventListener("click", reveal);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && timer !== null) {
      clearTimeout(timer);
      timer = null;
    } else if (!document.hidden) {
      schedule();
    }
  });
  schedule();
})();
