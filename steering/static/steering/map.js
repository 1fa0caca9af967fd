// The steering map: fetches the JSON contract of /steering/u/<code>/map.json (docs/steering.md) and
// draws its layers with clustering, one colour per kind. The page's own query string (the filter
// form) is passed on to the endpoint. Works without a base map when tiles are off or cannot load:
// the names of located units are written at their place, and a scale gives distances.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box) return;
  var status = document.getElementById("map-status");
  var tilesStatus = document.getElementById("map-tiles-status");
  var texts = {};
  document.getElementById("map-texts").content.querySelectorAll("[data-key]").forEach(function (el) {
    texts[el.dataset.key] = el.textContent;
  });
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function pin(colour) {
    var dot = document.createElement("span");
    dot.className = "map-dot";
    dot.style.background = colour;
    return L.divIcon({ className: "map-pin", html: dot.outerHTML, iconSize: [16, 16], iconAnchor: [8, 8] });
  }

  function label(place) {
    var text = document.createElement("span");
    text.textContent = place.name;
    return L.marker([place.lat, place.lng], {
      icon: L.divIcon({ className: "map-label" + (place.minor ? " map-label-minor" : ""), html: text.outerHTML, iconSize: null }),
      interactive: false,
      keyboard: false
    });
  }

  fetch(box.dataset.endpoint + window.location.search, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var list = document.getElementById("unlocated");
      data.unlocated.filter(function (unit) { return unit.groups || unit.members; }).forEach(function (unit) {
        var item = document.createElement("li");
        item.textContent = unit.name + " — " + unit.groups + " " + texts.groups + ", " + unit.members + " " + texts.members;
        list.appendChild(item);
      });
      if (typeof L === "undefined") return;
      // maxZoom on the map itself: without a tile layer to give one, markercluster refuses to start.
      var map = L.map(box, { zoomControl: true, maxZoom: 18 }).setView([16.0, 107.0], 5);
      // A scale, so distances read without a base map too (an offline commune, tiles failing).
      L.control.scale({ metric: true, imperial: false }).addTo(map);
      if (data.tiles.url) {
        var failed = false;
        L.tileLayer(data.tiles.url, { maxZoom: 18, attribution: data.tiles.attribution })
          .on("tileerror", function () {
            if (!failed) { failed = true; tilesStatus.textContent = box.dataset.noTiles; }
          })
          .addTo(map);
      } else {
        tilesStatus.textContent = box.dataset.noTiles;
      }
      var bounds = [];
      var lines = [];
      // Unit names at their place; hamlets' residential groups only once zoomed in close enough to read them.
      var labels = L.layerGroup().addTo(map);
      (data.labels || []).forEach(function (place) {
        labels.addLayer(label(place));
        bounds.push([place.lat, place.lng]);
      });
      function showMinor() { box.classList.toggle("map-zoomed-out", map.getZoom() < 14); }
      // Names that would overlap one already written are left out (communes before hamlets,
      // hamlets before their residential groups), until zooming in makes room for them.
      function declutter() {
        var written = [];
        var marks = [];
        labels.eachLayer(function (marker) { if (marker.getElement()) marks.push(marker.getElement()); });
        marks.sort(function (a, b) { return a.classList.contains("map-label-minor") - b.classList.contains("map-label-minor"); });
        marks.forEach(function (mark) {
          mark.classList.remove("map-label-hidden");
          var text = mark.firstChild.getBoundingClientRect();
          if (!text.width) return;
          var clash = written.some(function (other) {
            return text.left < other.right && other.left < text.right && text.top < other.bottom && other.top < text.bottom;
          });
          if (clash) mark.classList.add("map-label-hidden");
          else written.push(text);
        });
      }
      map.on("zoomend", function () { showMinor(); declutter(); });
      data.layers.forEach(function (layer) {
        var icons = {};
        layer.legend.forEach(function (entry) { icons[entry.kind] = pin(entry.colour); });
        var fallback = pin("#0b57d0");
        var cluster = L.markerClusterGroup({ chunkedLoading: true });
        layer.points.forEach(function (p) {
          var marker = L.marker([p.lat, p.lng], { title: p.title, icon: icons[p.kind] || fallback });
          var link = document.createElement("a");
          link.textContent = p.title;
          if (p.url) link.href = p.url;
          marker.bindPopup(link);
          cluster.addLayer(marker);
          bounds.push([p.lat, p.lng]);
        });
        map.addLayer(cluster);
        if (layer.points.length) {
          var values = { layer: layer.title, shown: numbers.format(layer.points.length), total: numbers.format(layer.total) };
          var line = fill(layer.total > layer.points.length ? texts.capped : texts.shown, values);
          if (layer.unlocated) line += " " + fill(texts.unlocated, { count: numbers.format(layer.unlocated) });
          lines.push(line);
        }
      });
      // Padding keeps the names written at the edge of the area inside the frame; no animation,
      // so the scale and the names are right as soon as the page says what it shows.
      if (bounds.length) map.fitBounds(bounds, { maxZoom: 15, padding: [48, 32], animate: false });
      showMinor();
      declutter();
      status.textContent = lines.length ? lines.join(" ") : texts["no-points"];
    })
    .catch(function () { tilesStatus.textContent = box.dataset.noTiles; });
})();
