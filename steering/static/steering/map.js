// The steering map: fetches the JSON contract of /steering/u/<code>/map.json (docs/steering.md) and
// draws its layers with clustering. Works without a base map when tiles are off or cannot load.
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

  fetch(box.dataset.endpoint, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var list = document.getElementById("unlocated");
      data.unlocated.filter(function (unit) { return unit.groups || unit.members; }).forEach(function (unit) {
        var item = document.createElement("li");
        item.textContent = unit.name + " — " + unit.groups + " " + texts.groups + ", " + unit.members + " " + texts.members;
        list.appendChild(item);
      });
      if (typeof L === "undefined") return;
      var map = L.map(box, { zoomControl: true }).setView([16.0, 107.0], 5);
      if (data.tiles.url) {
        var failed = false;
        L.tileLayer(data.tiles.url, { maxZoom: 18, attribution: data.tiles.attribution })
          .on("tileerror", function () {
            if (!failed) { failed = true; tilesStatus.textContent = box.dataset.noTiles; }
          })
          .addTo(map);
      }
      var bounds = [];
      data.layers.forEach(function (layer) {
        var cluster = L.markerClusterGroup();
        layer.points.forEach(function (p) {
          var marker = L.marker([p.lat, p.lng], { title: p.title });
          var link = document.createElement("a");
          link.textContent = p.title;
          if (p.url) link.href = p.url;
          marker.bindPopup(link);
          cluster.addLayer(marker);
          bounds.push([p.lat, p.lng]);
        });
        map.addLayer(cluster);
      });
      if (bounds.length) {
        map.fitBounds(bounds, { maxZoom: 15 });
      } else {
        status.textContent = texts["no-points"];
      }
    })
    .catch(function () { tilesStatus.textContent = box.dataset.noTiles; });
})();
