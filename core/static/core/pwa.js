/* The installable app on every page (docs/pwa.md): registers the service worker, keeps drafts of
   forms marked `data-draft` on the phone, sends forms kept offline when the network returns, and
   shows officers the prompt to turn notifications on. Texts come from this script tag's data-*
   attributes, translated by the template. */
(function () {
  "use strict";
  const script = document.currentScript;
  const text = script.dataset;
  const outbox = self.CanhGiacOutbox;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(text.sw, { scope: "/" }).catch(() => {});
  }

  function say(message, linkText, onLink) {
    let box = document.getElementById("pwa-status");
    if (!box) {
      box = document.createElement("p");
      box.id = "pwa-status";
      box.className = "msg msg-info";
      box.setAttribute("role", "status");
      const main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = message + " ";
    if (linkText) {
      const link = document.createElement("a");
      link.href = "#";
      link.textContent = linkText;
      link.addEventListener("click", (event) => { event.preventDefault(); onLink(); });
      box.appendChild(link);
    }
    box.scrollIntoView({ block: "center" });  // seen even when the form was sent from its bottom
  }

  async function syncLater() {
    const registration = "serviceWorker" in navigator && (await navigator.serviceWorker.getRegistration());
    if (registration && registration.sync) await registration.sync.register(outbox.SYNC_TAG).catch(() => {});
  }

  /* Drafts: what is typed is kept in localStorage as the person types, and comes back if the page
     is closed or reloaded; a form submitted offline goes to the outbox with its idempotency key. */
  function fieldsOf(form) {
    const fields = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields.push([name, value]);
    }
    return fields;
  }

  function restore(form, fields) {
    const checked = new Set();
    for (const [name, value] of fields) {
      for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (input.type === "file") continue;
        if (input.type === "checkbox" || input.type === "radio") {
          if (!checked.has(name)) { checked.add(name); form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((i) => { i.checked = false; }); }
          if (input.value === value) input.checked = true;
        } else if (input.tagName === "SELECT" && input.multiple) {
          for (const option of input.options) if (option.value === value) option.selected = true;
        } else {
          input.value = value;
        }
      }
    }
  }

  for (const form of document.querySelectorAll("form[data-draft]")) {
    const key = "canhgiac-draft:" + form.dataset.draft;
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && saved.fields && !form.querySelector(".errorlist")) {
      restore(form, saved.fields);
      say(text.restored);
    }
    let timer = null;
    let submitted = false;
    const save = () => localStorage.setItem(key, JSON.stringify({ fields: fieldsOf(form), at: Date.now() }));
    const keep = () => {
      clearTimeout(timer);
      timer = setTimeout(save, 300);
    };
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    // Closed or reloaded before the pause in typing: keep what is there now.
    window.addEventListener("pagehide", () => { if (timer && !submitted) { clearTimeout(timer); save(); } });
    form.addEventListener("submit", async (event) => {
      clearTimeout(timer);
      submitted = true;
      if (navigator.onLine) {
        localStorage.removeItem(key);  // a network failure on the way is caught by the service worker
        return;
      }
      event.preventDefault();
      await outbox.add(form.action || location.href, new FormData(form));
      localStorage.removeItem(key);
      form.querySelectorAll("[type=submit]").forEach((button) => { button.disabled = true; });
      say(text.kept);
      await syncLater();
    });
  }

  /* Forms kept offline: say so, send them when the network is back, say when they went. */
  async function report(sent) {
    for (const item of sent) {
      await outbox.remove(item.id);
      if (item.sent.url) {
        say(text.sent, text.open, () => { location.href = item.sent.url; });
      } else {
        say(text.sent, text.open, () => { document.open(); document.write(item.sent.html); document.close(); });
      }
    }
  }

  async function flushNow() {
    if (!outbox || !navigator.onLine) return;
    await report(await outbox.flush());
  }

  async function showKept() {
    if (!outbox) return;
    const items = await outbox.all();
    const sent = items.filter((item) => item.sent);
    if (sent.length) await report(sent);  // sent by the service worker while no page was open
    if (items.some((item) => !item.sent && item.refused)) say(text.refused);
    else if (items.some((item) => !item.sent)) say(text.kept);
  }

  window.addEventListener("online", flushNow);
  if (outbox) showKept().then(flushNow);

  /* Officers: a prompt to turn notifications on, until this browser is subscribed or it is dismissed. */
  const prompt = document.querySelector("[data-push-prompt]");
  if (prompt && "PushManager" in window && "serviceWorker" in navigator && Notification.permission !== "denied"
      && !localStorage.getItem("canhgiac-push-prompt-dismissed")) {
    navigator.serviceWorker.ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => { if (!subscription) prompt.hidden = false; })
      .catch(() => {});
    const dismiss = prompt.querySelector("[data-dismiss]");
    if (dismiss) dismiss.addEventListener("click", () => {
      localStorage.setItem("canhgiac-push-prompt-dismissed", "1");
      prompt.hidden = true;
    });
  }
})();
