// Renda page behaviour without inline scripts (the content-security policy forbids them).
(function () {
  "use strict";
  // Charts: <div data-echarts="json-script-id"> holds an ECharts option produced on the server.
  function initCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.echarts);
      if (!source) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  // Progress bars: <div class="progress-bar" data-progress="42"> (inline styles are not allowed).
  function initProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, Number(el.dataset.progress) || 0)) + "%";
    });
  }
  // Confirmation for destructive or final actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var msg = event.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () { initCharts(document); initProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initCharts(event.target); initProgress(event.target); });
  window.renda = { initCharts: initCharts, initProgress: initProgress };
})();
