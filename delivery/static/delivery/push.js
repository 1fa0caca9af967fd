/* Turning notifications on and off on this device (delivery/_push.html): subscribes the browser
   at its push service with the server's VAPID public key and posts the subscription, as
   `subscription.toJSON()` gives it, to the server, which puts it first in the person's chain. */
(function () {
  "use strict";
  const box = document.querySelector("[data-push-key]");
  if (!box) return;
  const text = box.dataset;
  const state = box.querySelector("[data-push-state]");
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;

  // Buttons are display: inline-block in site.css, which beats the hidden attribute alone.
  function visible(button, shown) {
    button.hidden = !shown;
    button.style.display = shown ? "" : "none";
  }

  function show(message, subscribed) {
    state.textContent = message;
    visible(on, !subscribed);
    visible(off, subscribed);
  }

  function keyBytes(base64url) {
    const base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const refusal = new Error(answer.error || text.error);
      refusal.fromServer = true;  // the server's reason, in the person's language
      throw refusal;
    }
    return answer;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !text.pushKey) {
    show(text.unsupported, false);
    visible(on, false);
    return;
  }
  if (Notification.permission === "denied") {
    show(text.denied, false);
    visible(on, false);
    return;
  }

  navigator.serviceWorker.ready
    .then((registration) => registration.pushManager.getSubscription())
    .then((subscription) => show(subscription ? text.on : text.off, Boolean(subscription)))
    .catch(() => show(text.off, false));

  on.addEventListener("click", async () => {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        show(text.denied, false);
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(text.pushKey),
      });
      const answer = await post(text.subscribeUrl, { subscription: subscription.toJSON() });
      show(answer.message || text.on, true);
    } catch (error) {
      show(error.fromServer ? error.message : text.error, false);  // the browser's own errors are in English
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async () => {
    off.disabled = true;
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await post(text.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(text.off, false);
    } catch (error) {
      show(error.fromServer ? error.message : text.error, true);
    } finally {
      off.disabled = false;
    }
  });
})();
