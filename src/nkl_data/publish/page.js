// The map: pointing at or focusing a country writes what we know about it (its accessible name)
// under the map, where a keyboard user sees it too; the links work without this.
// Self-check, read by the test suite from the rendered page and harmless to readers: any script
// error or blocked load is written to <html data-errors>, and once the page is laid out each chart
// reports its marks and drawn size in <html data-rendered>. The page needs no script to be read.
(function () {
  var root = document.documentElement, errors = [];
  function note(message) { errors.push(message); root.setAttribute("data-errors", errors.join(" | ")); }
  window.addEventListener("error", function (event) { note(event.message || "a resource failed to load"); }, true);
  document.addEventListener("securitypolicyviolation", function (event) { note("blocked: " + event.blockedURI); });
  function describe(event) {
    var country = event.target.closest && event.target.closest("svg[data-chart=map] a.country");
    var info = document.getElementById("map-info");
    if (country && info) { info.textContent = country.getAttribute("aria-label"); }
  }
  document.addEventListener("mouseover", describe);
  document.addEventListener("focusin", describe);
  window.addEventListener("load", function () {
    var charts = Array.prototype.map.call(document.querySelectorAll("svg[data-chart]"), function (chart) {
      var box = chart.getBoundingClientRect();
      return chart.getAttribute("data-chart") + ":" + chart.querySelectorAll(".mark").length + ":" +
        Math.round(box.width) + "x" + Math.round(box.height);
    });
    root.setAttribute("data-rendered", charts.join(" "));
  });
})();
