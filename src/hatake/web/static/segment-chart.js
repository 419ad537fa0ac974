// A segment's member count per day: reads {labels, members} from #segment-data.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("segment-chart");
  const data = JSON.parse(document.getElementById("segment-data").textContent);
  if (!canvas || !window.Chart) return;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{label: canvas.dataset.label, data: data.members, stepped: true,
                  borderColor: "#2e7d32", backgroundColor: "#2e7d3233", fill: true}],
    },
    options: {
      animation: false, maintainAspectRatio: false,
      scales: {y: {beginAtZero: true, ticks: {precision: 0}}},
      plugins: {legend: {display: false}},
    },
  });
});
