// Daily active users bar chart: reads the series from #usage-data into canvas #usage-chart.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("usage-chart");
  const data = JSON.parse(document.getElementById("usage-data").textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{label: canvas.getAttribute("aria-label"), data: data.active_users,
                  backgroundColor: "#3a7d44"}],
    },
    options: {
      animation: false, maintainAspectRatio: false, plugins: {legend: {display: false}},
      scales: {x: {ticks: {maxTicksLimit: 12}}, y: {beginAtZero: true, ticks: {precision: 0}}},
    },
  });
});
