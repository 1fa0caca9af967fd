/* Forms kept on the phone until the network returns (docs/pwa.md). Shared by the pages
   (core/pwa.js) and the service worker (core/sw.js), which both send what is kept: on Background
   Sync where the browser has it, else when the page sees the network come back or is opened.
   Sending the same form twice is harmless: the report form carries an idempotency key, so a
   resend finds the report the first send made. */
(function (scope) {
  "use strict";
  const DB = "canhgiac", STORE = "outbox", SYNC_TAG = "canhgiac-outbox";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  /* Keep a form: its URL and its fields (files included) as [name, value] pairs. */
  function add(url, formData) {
    const fields = [];
    for (const [name, value] of formData.entries()) {
      if (value instanceof Blob && value.size === 0) continue;  // an empty file input
      fields.push([name, value]);
    }
    return run("readwrite", (store) => store.add({ url, fields, kept_at: Date.now(), sent: null }));
  }

  const all = () => run("readonly", (store) => store.getAll());
  const put = (item) => run("readwrite", (store) => store.put(item));
  const remove = (id) => run("readwrite", (store) => store.delete(id));

  let flushing = null;

  /* Send every kept form not sent yet. A 2xx answer (a redirect to the report, or the anonymous
     receipt) is a success; a refusal (400: the form needs fixing) keeps the form, marked. */
  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      const sent = [];
      for (const item of await all()) {
        if (item.sent) continue;
        const body = new FormData();
        for (const [name, value] of item.fields) body.append(name, value);
        let response;
        try {
          response = await fetch(item.url, { method: "POST", body, credentials: "same-origin", redirect: "follow" });
        } catch (error) {
          break;  // still offline: try again later
        }
        if (response.ok) {
          item.sent = { at: Date.now(), url: response.redirected ? response.url : "", html: response.redirected ? "" : await response.text() };
          item.fields = [];
          sent.push(item);
        } else {
          item.refused = response.status;
        }
        await put(item);
      }
      return sent;
    })().finally(() => { flushing = null; });
    return flushing;
  }

  scope.CanhGiacOutbox = { SYNC_TAG, add, all, remove, flush };
})(self);
