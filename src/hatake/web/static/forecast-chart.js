// The renewal forecast chart: ARR up for renewal each month (best case, bars) with the expected
// and worst cases as lines. Reads #forecast-data; amounts in major units.
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("forecast-data").textContent);
  if (!window.Chart) return;
  const canvas = document.getElementById("forecast-chart");
  const money = new Intl.NumberFormat(document.documentElement.lang || "ja", {notation: "compact"});
  new Chart(canvas, {
    data: {labels: data.labels, datasets: [
      {type: "bar", label: canvas.dataset.best, data: data.best, backgroundColor: "#c8e6c9"},
      {type: "line", label: canvas.dataset.expected, data: data.expected, borderColor: "#2e7d32",
        tension: 0},
      {type: "line", label: canvas.dataset.worst, data: data.worst, borderColor: "#c62828",
        borderDash: [6, 4], tension: 0},
    ]},
    options: {animation: false, maintainAspectRatio: false,
      scales: {y: {beginAtZero: true, ticks: {callback: (value) => money.format(value)}}},
      plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}},
  });
});
