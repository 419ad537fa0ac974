// Health score history line chart: reads {labels, scores} from #health-data into #health-chart.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("health-chart");
  const data = JSON.parse(document.getElementById("health-data").textContent);
  if (!canvas || !data) return;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{label: canvas.getAttribute("aria-label"), data: data.scores,
                  borderColor: "#2b5e33", pointRadius: data.labels.length > 60 ? 0 : 2,
                  tension: 0.2}],
    },
    options: {
      animation: false, maintainAspectRatio: false, plugins: {legend: {display: false}},
      scales: {x: {ticks: {maxTicksLimit: 8}}, y: {min: 0, max: 100}},
    },
  });
});
