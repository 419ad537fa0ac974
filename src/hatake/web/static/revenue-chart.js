// The retention page's charts: month-end MRR (line) and the month's movements (stacked bars,
// losses below zero, with the net change as a line). Reads {labels, mrr, movements} from
// #retention-data; amounts are in major units of the organisation's currency.
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("retention-data").textContent);
  if (!window.Chart) return;
  const money = new Intl.NumberFormat(document.documentElement.lang || "ja", {notation: "compact"});
  const ticks = {callback: (value) => money.format(value)};
  const mrrCanvas = document.getElementById("retention-mrr-chart");
  new Chart(mrrCanvas, {
    type: "line",
    data: {labels: data.labels, datasets: [{label: mrrCanvas.dataset.label, data: data.mrr,
      borderColor: "#2e7d32", backgroundColor: "#2e7d3222", fill: true, tension: 0}]},
    options: {animation: false, maintainAspectRatio: false, scales: {y: {beginAtZero: true, ticks}},
      plugins: {legend: {display: false}}},
  });
  const moveCanvas = document.getElementById("retention-movement-chart");
  const colours = {new: "#2e7d32", expansion: "#66bb6a", reactivation: "#0277bd",
    contraction: "#f9a825", churn: "#c62828"};
  const kinds = Object.keys(colours);
  const net = data.labels.map((_, i) => kinds.reduce((sum, kind) => sum + data.movements[kind][i], 0));
  new Chart(moveCanvas, {
    data: {labels: data.labels, datasets: [
      ...kinds.map((kind) => ({type: "bar", label: moveCanvas.dataset[kind], data: data.movements[kind],
        backgroundColor: colours[kind], stack: "movements"})),
      {type: "line", label: moveCanvas.dataset.net, data: net, borderColor: "#333", pointRadius: 2,
        tension: 0},
    ]},
    options: {animation: false, maintainAspectRatio: false,
      scales: {x: {stacked: true}, y: {stacked: true, ticks}},
      plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}},
  });
});
