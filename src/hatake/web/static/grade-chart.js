// Accounts per grade per day, stacked bars: reads {labels, datasets:[{label, colour, data}]}
// from #grade-data into canvas #grade-chart. Days without stored scores are gaps (null).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("grade-chart");
  const source = document.getElementById("grade-data");
  if (!canvas || !source) return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map((grade) => ({
        label: grade.label, data: grade.data, backgroundColor: grade.colour,
        barPercentage: 1.0, categoryPercentage: 0.9,
      })),
    },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: {legend: {position: "bottom"}, tooltip: {mode: "index", intersect: false}},
      scales: {
        x: {stacked: true, ticks: {maxTicksLimit: 12}},
        y: {stacked: true, beginAtZero: true, ticks: {precision: 0}},
      },
    },
  });
});
