/* Cảnh Giác reports: "use my location", the behaviour field for suspicious activity, live queue. */
(function () {
  // "11.2905° B, 106.0562° Đ": the compass letters come from the page, in its language.
  function coordinates(lat, lng) {
    var letters = (document.getElementById("location-status").dataset.compass || "N S E W").split(" ");
    return Math.abs(lat).toFixed(4) + "° " + (lat >= 0 ? letters[0] : letters[1]) + ", " +
      Math.abs(lng).toFixed(4) + "° " + (lng >= 0 ? letters[2] : letters[3]);
  }
  var button = document.getElementById("use-location");
  if (button && navigator.geolocation) {
    button.addEventListener("click", function () {
      var status = document.getElementById("location-status");
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
        status.textContent = button.dataset.found + ": " + coordinates(pos.coords.latitude, pos.coords.longitude);
      }, function () { status.textContent = button.dataset.failed; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  // The map loads only when asked for: nothing heavy travels on a slow link otherwise.
  var pick = document.getElementById("pick-on-map");
  function setPoint(lat, lng) {
    document.getElementById("id_latitude").value = lat.toFixed(6);
    document.getElementById("id_longitude").value = lng.toFixed(6);
    document.getElementById("location-status").textContent = coordinates(lat, lng);
  }
  function showMap() {
    var holder = document.getElementById("map");
    holder.hidden = false;
    var lat = parseFloat(document.getElementById("id_latitude").value);
    var lng = parseFloat(document.getElementById("id_longitude").value);
    var center = isNaN(lat) ? pick.dataset.center.split(",").map(parseFloat) : [lat, lng];
    var map = L.map(holder).setView(center, 14);
    L.tileLayer(pick.dataset.tiles, { maxZoom: 19, attribution: pick.dataset.attribution }).addTo(map);
    var marker = isNaN(lat) ? null : L.marker(center).addTo(map);
    map.on("click", function (e) {
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
      setPoint(e.latlng.lat, e.latlng.lng);
    });
  }
  if (pick) {
    pick.addEventListener("click", function () {
      if (window.L) { showMap(); return; }
      var css = document.createElement("link");
      css.rel = "stylesheet"; css.href = pick.dataset.css;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = pick.dataset.js; script.onload = showMap;
      document.head.appendChild(script);
      pick.disabled = true;
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
