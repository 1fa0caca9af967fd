/* A tiny rich-text editor for bulletins: bold, italics, lists, links. Without JavaScript the
   plain textarea remains; either way the server keeps only the safe subset (bulletins/sanitize.py). */
(function () {
  "use strict";
  function setUp(textarea) {
    var editor = document.createElement("div");
    editor.className = "rich-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    // Named like the textarea it replaces: its aria-label, else the text of its <label>.
    var label = textarea.labels && textarea.labels[0] ? textarea.labels[0].textContent.trim() : "";
    editor.setAttribute("aria-label", textarea.getAttribute("aria-label") || label);
    editor.innerHTML = textarea.value;
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    [["bold", "B", "font-weight:700"], ["italic", "I", "font-style:italic"],
     ["insertUnorderedList", "•", ""], ["createLink", textarea.dataset.linkText || "Link", ""]].forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small secondary";
      button.textContent = tool[1];
      button.setAttribute("style", tool[2]);
      button.addEventListener("click", function () {
        var value = null;
        if (tool[0] === "createLink") {
          value = window.prompt("https://");
          if (!value) { return; }
        }
        editor.focus();
        document.execCommand(tool[0], false, value);
        sync();
      });
      bar.appendChild(button);
    });
    function sync() { textarea.value = editor.innerHTML; }
    editor.addEventListener("input", sync);
    textarea.form.addEventListener("submit", sync);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(bar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich]").forEach(setUp);
  });
})();
