// Contact coverage at each week's end against the 100% target: reads {labels, coverage} from
// #coverage-data (coverage in %, null for a week with no account under contract).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("coverage-chart");
  const data = JSON.parse(document.getElementById("coverage-data").textContent);
  if (!canvas || !window.Chart) return;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {label: canvas.dataset.label, data: data.coverage, borderColor: "#2e7d32",
         backgroundColor: "#2e7d3233", fill: true, tension: 0},
        {label: canvas.dataset.target, data: data.labels.map(() => 100), borderColor: "#c62828",
         borderDash: [6, 4], pointRadius: 0, fill: false},
      ],
    },
    options: {
      animation: false, maintainAspectRatio: false,
      scales: {y: {min: 0, max: 100, ticks: {callback: (value) => value + "%"}}},
      plugins: {legend: {position: "bottom"}},
    },
  });
});
