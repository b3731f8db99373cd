// Uploading several pictures at once: each chosen file gets a row asking its alt text, then each is sent
// on its own (fetch, one after the other) with its own progress and its own errors. A failed file keeps
// its row and what was typed, to fix and send again; the others are saved meanwhile.
(function () {
  "use strict";

  var form, list, submit, status, endpoint, csrfToken;
  var rows = [];
  var counter = 0;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function field(row, name, label, required) {
    var id = "batch-" + row.number + "-" + name;
    var wrapper = element("div", { class: "form-row" });
    wrapper.appendChild(element("label", { for: id, class: required ? "required" : "" }, label));
    var input = element("input", { type: "text", id: id, name: name, class: "vTextField" });
    if (required) input.setAttribute("aria-required", "true");
    wrapper.appendChild(input);
    row.item.appendChild(wrapper);
    return input;
  }

  function addRow(file) {
    counter += 1;
    var row = { file: file, number: counter, state: "waiting" };
    row.item = element("li", { class: "batch-item", "data-state": "waiting" });
    row.item.appendChild(element("p", { class: "batch-name" }, file.name + " (" + Math.ceil(file.size / 1024) + " KB)"));
    row.alt = field(row, "alt_text", "Alt text", true);
    row.caption = field(row, "caption", "Caption", false);
    row.progress = element("progress", { max: "1", value: "0", "aria-label": "Upload of " + file.name });
    row.item.appendChild(row.progress);
    row.message = element("div", { class: "batch-message", id: "batch-" + counter + "-message" });
    row.alt.setAttribute("aria-describedby", row.message.id);
    row.item.appendChild(row.message);
    row.remove = element("button", { type: "button", class: "batch-remove" }, "Remove " + file.name);
    row.remove.addEventListener("click", function () {
      rows.splice(rows.indexOf(row), 1);
      row.item.remove();
      update();
    });
    row.item.appendChild(row.remove);
    list.appendChild(row.item);
    rows.push(row);
  }

  function setState(row, state, message, isError) {
    row.state = state;
    row.item.setAttribute("data-state", state);
    row.message.textContent = "";
    if (message) {
      var paragraph = element("p", { class: isError ? "errornote" : "" }, message);
      row.message.appendChild(paragraph);
    }
  }

  function pending() {
    return rows.filter(function (row) { return row.state !== "done"; });
  }

  function update() {
    submit.disabled = pending().length === 0;
  }

  function send(row) {
    var data = new FormData();
    data.append("file", row.file);
    data.append("alt_text", row.alt.value.trim());
    data.append("caption", row.caption.value.trim());
    ["credit", "copyright_holder", "licence"].forEach(function (name) {
      data.append(name, form.elements[name].value);
    });
    setState(row, "uploading", "Uploading…");
    row.progress.removeAttribute("value"); // fetch() reports no upload progress: show it as under way
    return fetch(endpoint, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; },
          function () { return { ok: false, body: { errors: [{ label: "", message: "The server answered " + response.status + "." }] } }; });
      })
      .then(function (result) {
        if (result.ok) {
          row.progress.value = 1;
          setState(row, "done");
          var done = element("p", { class: "batch-done" });
          if (result.body.thumbnail) done.appendChild(element("img", { src: result.body.thumbnail, alt: "", class: "library-thumbnail" }));
          done.appendChild(document.createTextNode("Uploaded: "));
          done.appendChild(element("a", { href: result.body.change_url }, result.body.alt_text));
          row.message.appendChild(done);
          [row.alt, row.caption, row.remove].forEach(function (control) { control.disabled = true; });
          return true;
        }
        row.progress.value = 0;
        var messages = (result.body.errors || []).map(function (error) {
          return (error.label ? error.label + ": " : "") + error.message;
        });
        setState(row, "failed", "Not uploaded. " + messages.join(" "), true);
        return false;
      })
      .catch(function () {
        row.progress.value = 0;
        setState(row, "failed", "Not uploaded: the server could not be reached. Try again.", true);
        return false;
      });
  }

  function uploadAll(event) {
    event.preventDefault();
    var waiting = pending();
    var missing = waiting.filter(function (row) { return !row.alt.value.trim(); });
    missing.forEach(function (row) {
      setState(row, "failed", "Alt text is required: say what the picture shows.", true);
      row.alt.setAttribute("aria-invalid", "true");
    });
    if (missing.length) {
      missing[0].alt.focus();
      status.textContent = missing.length + " picture(s) still need their alt text. Nothing was sent.";
      return;
    }
    submit.disabled = true;
    var uploaded = 0, failed = 0;
    waiting.reduce(function (previous, row) {
      return previous.then(function () {
        row.alt.removeAttribute("aria-invalid");
        return send(row).then(function (ok) { if (ok) { uploaded += 1; } else { failed += 1; } });
      });
    }, Promise.resolve()).then(function () {
      status.textContent = uploaded + " uploaded" + (failed ? ", " + failed + " not uploaded: see the messages, fix and upload again." : ".");
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("batch-upload");
    if (!form) return;
    list = document.getElementById("batch-list");
    submit = document.getElementById("batch-submit");
    status = document.getElementById("batch-status");
    endpoint = form.getAttribute("data-endpoint");
    csrfToken = form.elements.csrfmiddlewaretoken.value;
    var input = document.getElementById("batch-files");
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, addRow);
      input.value = "";
      update();
    });
    form.addEventListener("submit", uploadAll);
  });
})();
