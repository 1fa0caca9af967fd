/* "Nghe đọc": reads a bulletin or an inbox item aloud with the browser's own speech synthesis in
   Vietnamese. The button stays hidden unless the device has a Vietnamese voice (docs/pwa.md). */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance === "undefined") return;

  function vietnameseVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^vi([-_]|$)/i.test(voices[i].lang || "")) return voices[i];
    }
    return null;
  }

  function textOf(ids) {
    return ids.split(" ").map(function (id) {
      var element = document.getElementById(id);
      return element ? element.innerText.trim() : "";
    }).filter(Boolean).join(". \n");
  }

  function wire(button, voice) {
    var label = button.querySelector("span");
    var idle = label.textContent;
    function reset() { label.textContent = idle; button.setAttribute("aria-pressed", "false"); }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { synth.cancel(); reset(); return; }
      synth.cancel();
      var utterance = new window.SpeechSynthesisUtterance(textOf(button.dataset.speak));
      utterance.lang = "vi-VN";
      utterance.voice = voice;
      utterance.rate = 0.9;
      utterance.onend = reset;
      utterance.onerror = reset;
      label.textContent = button.dataset.stop;
      button.setAttribute("aria-pressed", "true");
      synth.speak(utterance);
    });
    button.parentNode.hidden = false;
  }

  function setUp() {
    var voice = vietnameseVoice();
    if (!voice) return false;
    document.querySelectorAll("[data-speak]").forEach(function (button) {
      if (!button.dataset.wired) { button.dataset.wired = "1"; wire(button, voice); }
    });
    return true;
  }

  function start() {
    if (!document.querySelector("[data-speak]")) return;
    // Voices often arrive a moment after the page: wait for them rather than decide too early.
    if (!setUp() && synth.addEventListener) synth.addEventListener("voiceschanged", setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
