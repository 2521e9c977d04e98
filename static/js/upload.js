// Hanami Portal: the resumable dataset upload (templates/datasets/upload.html).
// Checks the files before anything is sent (the same checks as portal/datasets/files.py), then
// sends each file in chunks to the portal, which relays them to the backend and keeps the
// acknowledged offset; after a break (network, reload) the upload goes on from that offset.
// No inline script anywhere (CSP): this file is the page's only code besides portal.js.
"use strict";

(function () {
  const form = document.getElementById("upload-form");
  if (!form) {
    return;
  }

  // Field rules of the wire contract (hanami_client/rules.py: NAME_RE, NAME_LENGTH).
  const NAME_RE = /^[a-zA-Z][a-zA-Z_0-9\- ]*$/;
  const NAME_LENGTH = [4, 254];
  const MAX_FILE_BYTES = 10000000000;
  const IMAGES_MAGIC = 2051;
  const LABELS_MAGIC = 2049;
  const HEAD_BYTES = { images: 16, labels: 8, csv: 64 * 1024 };
  // Which form field holds the file of each role, per kind.
  const FIELDS = { mnist: { input: "images", label: "labels" }, csv: { input: "csv" } };
  const STORE_KEY = "hanami.datasetUpload";
  const RETRIES = 6;
  const ANNOUNCE_EVERY_MS = 3000;

  const uploadsUrl = form.dataset.uploadsUrl;
  const csrfToken = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const card = document.getElementById("upload-card");
  const panel = document.getElementById("upload-progress");
  const resumeNote = document.getElementById("resume-note");
  const bar = document.getElementById("upload-bar");
  const figures = panel.querySelector("[data-upload-figures]");
  const announce = panel.querySelector("[data-upload-announce]");
  const message = panel.querySelector("[data-upload-message]");
  const openLink = panel.querySelector("[data-upload-open]");
  const retryButton = panel.querySelector("[data-upload-retry]");
  const cancelButton = panel.querySelector("[data-upload-cancel]");
  const againButton = panel.querySelector("[data-upload-again]");
  const submitButton = form.querySelector("[data-submit]");
  const forgetButton = form.querySelector("[data-forget]");

  // The upload being worked on: its server state, its File objects, what to do on "Try again".
  let upload = null;
  let files = {};
  let resumeTarget = null;
  let retryAction = null;
  let busy = false;
  let cancelRequested = false;
  let speed = null;

  class Problem extends Error {
    constructor(field, text) {
      super(text);
      this.field = field;
    }
  }

  class NetworkError extends Error {}

  // ---- Checks before sending (mirror portal/datasets/files.py) ----

  function byteLength(text) {
    return new TextEncoder().encode(text).length;
  }

  function checkName(name) {
    const size = byteLength(name);
    if (!name) {
      return "This field is required.";
    }
    if (size < NAME_LENGTH[0]) {
      return "Too short: use at least " + NAME_LENGTH[0] + " characters (this has " + size + ").";
    }
    if (size > NAME_LENGTH[1]) {
      return "Too long: use at most " + NAME_LENGTH[1] + " characters (this has " + size + ").";
    }
    if (!NAME_RE.test(name)) {
      return "Not allowed here: use a letter, then letters, digits, spaces, _ or -.";
    }
    return "";
  }

  async function head(file, field) {
    return new Uint8Array(await file.slice(0, HEAD_BYTES[field]).arrayBuffer());
  }

  function u32(bytes, at) {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, false);
  }

  function checkSize(field, file) {
    if (file.size <= 0) {
      throw new Problem(field, "The file is empty.");
    }
    if (file.size > MAX_FILE_BYTES) {
      throw new Problem(field, "Too large: the backend takes at most 10 GB per file.");
    }
  }

  async function checkImages(file) {
    checkSize("images", file);
    const bytes = await head(file, "images");
    if (bytes.length < 16) {
      throw new Problem("images", "Too short for an idx images file: it needs a 16-byte header.");
    }
    const magic = u32(bytes, 0);
    if (magic === LABELS_MAGIC) {
      throw new Problem("images", "This is an idx labels file (magic number 2049): choose it as labels.");
    }
    if (magic !== IMAGES_MAGIC) {
      throw new Problem("images", "Not an idx images file: it starts with " + magic + " instead of the magic number 2051.");
    }
    const count = u32(bytes, 4);
    const rows = u32(bytes, 8);
    const columns = u32(bytes, 12);
    if (count === 0 || rows === 0 || columns === 0) {
      throw new Problem("images", "The header announces no images: the file holds no pictures.");
    }
    const expected = 16 + count * rows * columns;
    if (file.size !== expected) {
      throw new Problem("images", "The header announces " + count + " images of " + rows + "x" + columns +
        " pixels (" + expected + " bytes), but the file has " + file.size + " bytes.");
    }
    return count;
  }

  async function checkLabels(file, imageCount) {
    checkSize("labels", file);
    const bytes = await head(file, "labels");
    if (bytes.length < 8) {
      throw new Problem("labels", "Too short for an idx labels file: it needs an 8-byte header.");
    }
    const magic = u32(bytes, 0);
    if (magic === IMAGES_MAGIC) {
      throw new Problem("labels", "This is an idx images file (magic number 2051): choose it as images.");
    }
    if (magic !== LABELS_MAGIC) {
      throw new Problem("labels", "Not an idx labels file: it starts with " + magic + " instead of the magic number 2049.");
    }
    if (imageCount !== null && file.size - 8 !== imageCount) {
      throw new Problem("labels", "The labels file has " + (file.size - 8) + " labels, but the images file has " +
        imageCount + " images.");
    }
  }

  async function checkCsv(file) {
    checkSize("csv", file);
    const bytes = await head(file, "csv");
    if (bytes.includes(0)) {
      throw new Problem("csv", "This is not a CSV file: it contains binary data.");
    }
    if (!bytes.includes(44)) {
      throw new Problem("csv", "No header line with a comma in the first 64 KiB: a CSV file starts with column " +
        "names such as “x,y,label”.");
    }
  }

  // Every problem of the chosen files, by field (an empty object when all is well).
  async function checkFiles(kind, chosen) {
    const errors = {};
    const note = function (problem) {
      if (!(problem instanceof Problem)) {
        throw problem;
      }
      errors[problem.field] = [problem.message];
    };
    for (const field of Object.values(FIELDS[kind])) {
      if (!chosen[field]) {
        errors[field] = ["Choose a file."];
      }
    }
    if (Object.keys(errors).length) {
      return errors;
    }
    if (kind === "csv") {
      await checkCsv(chosen.csv).catch(note);
      return errors;
    }
    let count = null;
    await checkImages(chosen.images).then(function (value) { count = value; }, note);
    await checkLabels(chosen.labels, count).catch(note);
    return errors;
  }

  // ---- Errors on the form, in the markup Django renders them with ----

  function clearErrors() {
    form.querySelectorAll(".field .errorlist").forEach(function (list) { list.remove(); });
    form.querySelectorAll(".field--invalid").forEach(function (field) { field.classList.remove("field--invalid"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      const describedBy = (input.getAttribute("aria-describedby") || "").split(" ")
        .filter(function (id) { return id && !id.endsWith("_error"); });
      if (describedBy.length) {
        input.setAttribute("aria-describedby", describedBy.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    });
    const box = form.querySelector(".form-errors");
    box.hidden = true;
    box.querySelector(".errorlist").replaceChildren();
  }

  function errorList(id, texts) {
    const list = document.createElement("ul");
    list.className = "errorlist";
    if (id) {
      list.id = id;
    }
    texts.forEach(function (text) {
      const item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    return list;
  }

  function showErrors(errors) {
    clearErrors();
    const general = [];
    Object.entries(errors).forEach(function ([field, texts]) {
      const input = form.querySelector('[name="' + field + '"]:not([type="hidden"])');
      const wrapper = input && input.closest(".field");
      if (!wrapper || input.type === "radio") {
        general.push.apply(general, texts);
        return;
      }
      const id = "id_" + field + "_error";
      wrapper.classList.add("field--invalid");
      wrapper.appendChild(errorList(id, texts));
      input.setAttribute("aria-invalid", "true");
      const describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", describedBy.concat([id]).join(" "));
    });
    const box = form.querySelector(".form-errors");
    if (general.length) {
      box.querySelector(".errorlist").replaceWith(errorList("", general));
      box.hidden = false;
    }
    const first = form.querySelector('[aria-invalid="true"]') || (general.length ? box : null);
    if (first) {
      first.focus();
    }
  }

  // ---- Talking to the portal ----

  async function call(method, url, body, contentType) {
    const headers = { "X-CSRFToken": csrfToken, Accept: "application/json" };
    if (contentType) {
      headers["Content-Type"] = contentType;
    }
    let response;
    try {
      response = await fetch(url, { method: method, body: body, headers: headers, credentials: "same-origin" });
    } catch (error) {
      throw new NetworkError("The portal cannot be reached: " + error.message);
    }
    let data = {};
    if ((response.headers.get("Content-Type") || "").includes("application/json")) {
      data = await response.json();
    } else if (!response.ok) {
      data = { detail: "The portal answered with status " + response.status + ".", code: "http_" + response.status };
    }
    return { status: response.status, data: data };
  }

  function wait(milliseconds) {
    return new Promise(function (resolve) { window.setTimeout(resolve, milliseconds); });
  }

  function transient(reply) {
    return reply.status === 502 || reply.status === 503 || reply.status === 504;
  }

  // ---- Remembering the upload in this tab, to continue it after a reload ----

  function remember() {
    const record = { id: upload.id, kind: upload.kind, name: upload.name, files: {} };
    Object.entries(FIELDS[upload.kind]).forEach(function ([role, field]) {
      record.files[role] = { name: files[field].name, size: files[field].size };
    });
    window.sessionStorage.setItem(STORE_KEY, JSON.stringify(record));
  }

  function remembered() {
    try {
      return JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function forget() {
    window.sessionStorage.removeItem(STORE_KEY);
  }

  // ---- The progress panel ----

  function formatBytes(bytes) {
    const units = ["bytes", "KB", "MB", "GB", "TB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
  }

  function formatSeconds(seconds) {
    if (seconds < 60) {
      return Math.max(1, Math.round(seconds)) + " s";
    }
    const minutes = Math.floor(seconds / 60);
    return minutes + " min " + Math.round(seconds - minutes * 60) + " s";
  }

  function setStep(step) {
    const order = ["check", "send", "convert", "done"];
    const reached = order.indexOf(step);
    panel.querySelectorAll("[data-step]").forEach(function (item) {
      const index = order.indexOf(item.dataset.step);
      const state = index < reached || step === "done" ? "done" : index === reached ? "current" : "waiting";
      item.dataset.state = state;
      item.querySelector(".steps__state").textContent =
        state === "done" ? "Done: " : state === "current" ? "Now: " : "Next: ";
      if (state === "current") {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
    });
  }

  function showMessage(text, level) {
    message.textContent = text;
    message.className = "upload-message upload-message--" + (level || "error");
    message.hidden = !text;
  }

  function showProgress(state) {
    bar.max = Math.max(state.total, 1);
    bar.value = state.sent;
    const percent = state.total ? Math.floor((state.sent / state.total) * 100) : 100;
    let text = percent + " % · " + formatBytes(state.sent) + " of " + formatBytes(state.total);
    const now = performance.now();
    if (speed === null) {
      speed = { startedAt: now, startBytes: state.sent, announcedAt: 0 };
    }
    const seconds = (now - speed.startedAt) / 1000;
    const sentNow = state.sent - speed.startBytes;
    if (seconds > 0.2 && sentNow > 0 && state.sent < state.total) {
      const rate = sentNow / seconds;
      text += " · " + formatBytes(rate) + "/s · about " + formatSeconds((state.total - state.sent) / rate) + " left";
    }
    figures.textContent = text;
    if (now - speed.announcedAt > ANNOUNCE_EVERY_MS || state.sent === state.total) {
      announce.textContent = percent + " % sent";
      speed.announcedAt = now;
    }
  }

  function openPanel(name) {
    panel.querySelector("[data-upload-name]").textContent = name;
    panel.hidden = false;
    card.hidden = true;
    openLink.hidden = true;
    retryButton.hidden = true;
    againButton.hidden = true;
    cancelButton.hidden = false;
    showMessage("");
    speed = null;
  }

  function backToForm() {
    panel.hidden = true;
    card.hidden = false;
    submitButton.disabled = false;
  }

  function offerRetry(text, action) {
    retryAction = action;
    showMessage(text);
    retryButton.hidden = false;
    busy = false;
  }

  // ---- The upload itself ----

  async function withRetries(send) {
    // Transient failures (network, backend away) are retried with growing pauses.
    let pause = 500;
    for (let attempt = 1; ; attempt += 1) {
      let reply;
      try {
        reply = await send();
      } catch (error) {
        if (!(error instanceof NetworkError) || attempt >= RETRIES) {
          throw error;
        }
        reply = null;
      }
      if (reply !== null && (!transient(reply) || attempt >= RETRIES)) {
        return reply;
      }
      showMessage("The connection was interrupted: trying again…", "warning");
      await wait(pause);
      pause = Math.min(pause * 2, 8000);
    }
  }

  async function realign() {
    // Ask the portal what the backend acknowledged; the next chunk starts there.
    const reply = await withRetries(function () { return call("GET", uploadsUrl + upload.id + "/"); });
    if (reply.status !== 200) {
      throw new Error(reply.data.detail);
    }
    upload = reply.data;
    showProgress(upload);
  }

  async function sendFiles() {
    setStep("send");
    showProgress(upload);
    for (const [role, field] of Object.entries(FIELDS[upload.kind])) {
      const file = files[field];
      const size = upload.files[role].size;
      while (upload.files[role].offset < size) {
        if (cancelRequested) {
          return false;
        }
        const offset = upload.files[role].offset;
        const chunk = file.slice(offset, Math.min(offset + upload.chunk_bytes, size));
        const url = uploadsUrl + upload.id + "/chunk?role=" + role + "&offset=" + offset;
        let reply;
        try {
          reply = await withRetries(function () { return call("POST", url, chunk, "application/octet-stream"); });
        } catch (error) {
          if (!(error instanceof NetworkError)) {
            throw error;
          }
          offerRetry("The portal cannot be reached. Check the connection, then try again: the upload goes on from the last acknowledged chunk.", resume);
          return false;
        }
        if (reply.status === 200) {
          upload = reply.data;
          showMessage("");
          showProgress(upload);
        } else if (reply.status === 409 && reply.data.code === "offset_mismatch" && reply.data.upload) {
          upload = reply.data.upload;
          showProgress(upload);
        } else if (reply.status === 422 && reply.data.errors) {
          forget();
          backToForm();
          showErrors(reply.data.errors);
          return false;
        } else {
          offerRetry(reply.data.detail || "The chunk was refused.", resume);
          return false;
        }
      }
    }
    return true;
  }

  async function finish() {
    setStep("convert");
    showMessage("The backend converts the files into a dataset…", "info");
    const reply = await withRetries(function () { return call("POST", uploadsUrl + upload.id + "/finish"); });
    if (reply.status === 200) {
      forget();
      setStep("done");
      bar.value = bar.max;
      figures.textContent = "100 % · " + formatBytes(upload.total) + " sent and converted";
      announce.textContent = "100 % sent. The dataset is ready.";
      showMessage("The dataset “" + upload.name + "” is ready.", "success");
      openLink.href = reply.data.url;
      openLink.hidden = false;
      cancelButton.hidden = true;
      againButton.hidden = false;
      openLink.focus();
      return;
    }
    if (reply.data.code === "conversion_failed") {
      forget();
      cancelButton.hidden = true;
      againButton.hidden = false;
      showMessage(reply.data.detail + " The dataset was deleted again: nothing was kept.");
      return;
    }
    offerRetry(reply.data.detail || "The backend did not finish the dataset.", finishAgain);
  }

  async function run() {
    busy = true;
    cancelRequested = false;
    try {
      const sent = await sendFiles();
      if (cancelRequested) {
        await cancel();
      } else if (sent) {
        await finish();
      }
    } catch (error) {
      offerRetry(error.message || String(error), resume);
    }
    busy = false;
  }

  async function resume() {
    retryButton.hidden = true;
    showMessage("");
    try {
      await realign();
    } catch (error) {
      offerRetry(error.message || String(error), resume);
      return;
    }
    await run();
  }

  async function finishAgain() {
    retryButton.hidden = true;
    busy = true;
    try {
      await finish();
    } catch (error) {
      offerRetry(error.message || String(error), finishAgain);
    }
    busy = false;
  }

  async function cancel() {
    cancelButton.disabled = true;
    const reply = await call("POST", uploadsUrl + upload.id + "/cancel").catch(function (error) {
      return { status: 0, data: { detail: error.message } };
    });
    cancelButton.disabled = false;
    if (reply.status === 200 || reply.status === 404) {
      forget();
      upload = null;
      endResume();
      backToForm();
      document.body.dispatchEvent(new CustomEvent("toast", {
        detail: { message: "Upload cancelled: nothing was kept.", level: "info" },
      }));
      return;
    }
    offerRetry(reply.data.detail || "The upload could not be cancelled.", cancel);
  }

  // ---- The form ----

  function chosenKind() {
    const checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "mnist";
  }

  function showKindFiles() {
    const kind = chosenKind();
    form.querySelectorAll("[data-kind-files]").forEach(function (group) {
      group.hidden = group.dataset.kindFiles !== kind;
    });
  }

  function chosenFiles(kind) {
    const chosen = {};
    Object.values(FIELDS[kind]).forEach(function (field) {
      const input = form.querySelector('input[name="' + field + '"]');
      chosen[field] = input.files && input.files[0];
    });
    return chosen;
  }

  function startForm(kind, name, chosen) {
    const body = new FormData();
    body.append("kind", kind);
    body.append("name", name);
    Object.values(FIELDS[kind]).forEach(function (field) {
      body.append(field, chosen[field].slice(0, HEAD_BYTES[field]), chosen[field].name);
      body.append(field + "_size", String(chosen[field].size));
    });
    return body;
  }

  // The files chosen to continue an upload must be the ones it started with.
  function sameFiles(target, chosen) {
    const errors = {};
    const record = remembered();
    Object.entries(FIELDS[target.kind]).forEach(function ([role, field]) {
      const expected = target.files[role].size;
      const before = record && record.id === target.id ? record.files[role] : null;
      if (chosen[field].size !== expected) {
        errors[field] = ["This is not the file of the interrupted upload: that one has " + expected +
          " bytes, this one " + chosen[field].size + "."];
      } else if (before && before.name !== chosen[field].name) {
        errors[field] = ["This is not the file of the interrupted upload: that one is called “" + before.name + "”."];
      }
    });
    return errors;
  }

  async function submit(event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    clearErrors();
    const kind = resumeTarget ? resumeTarget.kind : chosenKind();
    const name = resumeTarget ? resumeTarget.name : form.elements.name.value.trim();
    const chosen = chosenFiles(kind);
    const errors = await checkFiles(kind, chosen);
    const nameProblem = checkName(name);
    if (nameProblem) {
      errors.name = [nameProblem];
    }
    if (!Object.keys(errors).length && resumeTarget) {
      Object.assign(errors, sameFiles(resumeTarget, chosen));
    }
    if (Object.keys(errors).length) {
      showErrors(errors);
      return;
    }
    files = chosen;
    openPanel(name);
    setStep("check");
    if (resumeTarget) {
      upload = resumeTarget;
      endResume();
      remember();
      await resume();
      return;
    }
    busy = true;
    submitButton.disabled = true;
    let reply;
    try {
      reply = await call("POST", uploadsUrl, startForm(kind, name, chosen));
    } catch (error) {
      busy = false;
      backToForm();
      showErrors({ __all__: [error.message] });
      return;
    }
    if (reply.status !== 201) {
      busy = false;
      backToForm();
      showErrors(reply.data.errors || { __all__: [reply.data.detail || "The upload could not start."] });
      return;
    }
    upload = reply.data;
    remember();
    busy = false;
    await run();
  }

  // ---- Continuing an interrupted upload ----

  function beginResume(state) {
    resumeTarget = state;
    const record = remembered();
    const names = record && record.id === state.id
      ? Object.values(record.files).map(function (entry) { return "“" + entry.name + "”"; }).join(" and ")
      : "the same file" + (state.kind === "mnist" ? "s" : "");
    const percent = state.total ? Math.floor((state.sent / state.total) * 100) : 0;
    resumeNote.textContent = "Continuing the upload of “" + state.name + "”, interrupted at " + percent +
      " %: choose " + names + " again and press Continue upload.";
    resumeNote.hidden = false;
    form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
      radio.checked = radio.value === state.kind;
      radio.disabled = true;
    });
    form.elements.name.value = state.name;
    form.elements.name.readOnly = true;
    showKindFiles();
    submitButton.textContent = "Continue upload";
    forgetButton.hidden = false;
    card.scrollIntoView({ block: "start" });
  }

  function endResume() {
    resumeTarget = null;
    resumeNote.hidden = true;
    form.querySelectorAll('input[name="kind"]').forEach(function (radio) { radio.disabled = false; });
    form.elements.name.readOnly = false;
    submitButton.textContent = "Upload";
    forgetButton.hidden = true;
  }

  async function status(id) {
    const reply = await call("GET", uploadsUrl + id + "/");
    return reply.status === 200 ? reply.data : null;
  }

  async function resumeFromList(id) {
    const state = await status(id).catch(function () { return null; });
    if (state) {
      beginResume(state);
    }
  }

  async function discard(id, item) {
    const reply = await call("POST", uploadsUrl + id + "/cancel").catch(function (error) {
      return { status: 0, data: { detail: error.message } };
    });
    if (reply.status === 200 || reply.status === 404) {
      item.remove();
      const record = remembered();
      if (record && record.id === id) {
        forget();
      }
      if (resumeTarget && resumeTarget.id === id) {
        endResume();
      }
      return;
    }
    document.body.dispatchEvent(new CustomEvent("toast", {
      detail: { message: reply.data.detail || "The upload could not be discarded.", level: "error" },
    }));
  }

  form.addEventListener("submit", submit);
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      showKindFiles();
    }
  });
  forgetButton.addEventListener("click", function () {
    endResume();
    form.reset();
    showKindFiles();
  });
  retryButton.addEventListener("click", function () {
    retryButton.hidden = true;
    if (retryAction) {
      retryAction();
    }
  });
  cancelButton.addEventListener("click", function () {
    if (!upload) {
      backToForm();
      return;
    }
    if (busy) {
      cancelRequested = true;
      showMessage("Cancelling after the chunk on its way…", "info");
      return;
    }
    cancel();
  });
  againButton.addEventListener("click", function () {
    upload = null;
    form.reset();
    clearErrors();
    showKindFiles();
    backToForm();
  });
  document.addEventListener("click", function (event) {
    const resumeButton = event.target.closest("[data-resume]");
    if (resumeButton) {
      resumeFromList(resumeButton.dataset.resume);
    }
    const discardButton = event.target.closest("[data-discard]");
    if (discardButton) {
      discard(discardButton.dataset.discard, discardButton.closest("[data-upload-id]"));
    }
  });

  showKindFiles();
  const record = remembered();
  if (record) {
    status(record.id).then(function (state) {
      if (state) {
        beginResume(state);
      } else {
        forget();
      }
    }, function () {});
  }
})();
