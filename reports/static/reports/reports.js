/* Cảnh Giác reports: "use my location", the behaviour field for suspicious activity, live queue. */
(function () {
  var button = document.getElementById("use-location");
  if (button && navigator.geolocation) {
    button.addEventListener("click", function () {
      var status = document.getElementById("location-status");
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
        status.textContent = button.dataset.found + ": " + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
      }, function () { status.textContent = button.dataset.failed; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  var category = document.getElementById("id_category");
  var behaviour = document.getElementById("behaviour-field");
  function toggleBehaviour() {
    if (!category || !behaviour) return;
    var option = category.options[category.selectedIndex];
    var group = option && option.parentElement.tagName === "OPTGROUP" ? option.parentElement : null;
    var suspicious = !!group && group === category.querySelectorAll("optgroup")[1];
    behaviour.hidden = !suspicious && !document.querySelector("#behaviour-field .errorlist");
  }
  if (category) { category.addEventListener("change", toggleBehaviour); toggleBehaviour(); }

  var queue = document.getElementById("queue");
  if (queue && window.EventSource) {
    var source = new EventSource(queue.dataset.stream);
    source.addEventListener("report", function () {
      var form = document.getElementById("queue-filters");
      var params = new URLSearchParams(new FormData(form)).toString();
      htmx.ajax("GET", form.getAttribute("hx-get") + "?" + params, { target: "#queue" });
    });
  }
})();
