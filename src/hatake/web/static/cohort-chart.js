// The cohorts page's charts: Kaplan-Meier survival per group (step lines) and the
// shifted-beta-geometric projection against the observed curve. Reads #cohort-data.
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("cohort-data").textContent);
  if (!window.Chart) return;
  const colours = ["#333333", "#2e7d32", "#0277bd", "#f9a825", "#c62828", "#6a1b9a", "#00838f"];
  const percent = {min: 0, max: 1, ticks: {callback: (value) => `${Math.round(value * 100)}%`}};
  const survival = document.getElementById("survival-chart");
  new Chart(survival, {
    type: "line",
    data: {labels: data.months, datasets: data.curves.map((curve, i) => ({
      label: curve.label, data: curve.points, stepped: true, pointRadius: 0,
      borderWidth: i === 0 ? 3 : 2, borderColor: colours[i % colours.length]}))},
    options: {animation: false, maintainAspectRatio: false,
      scales: {y: percent, x: {title: {display: true, text: survival.dataset.x}}},
      plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}},
  });
  const projection = document.getElementById("projection-chart");
  new Chart(projection, {
    type: "line",
    data: {labels: data.projection.periods, datasets: [
      {label: projection.dataset.observed, data: data.projection.observed, stepped: true,
        pointRadius: 0, borderWidth: 3, borderColor: "#333333"},
      {label: projection.dataset.fitted, data: data.projection.fitted, pointRadius: 0,
        borderDash: [6, 4], borderWidth: 2, borderColor: "#0277bd"},
    ]},
    options: {animation: false, maintainAspectRatio: false,
      scales: {y: percent, x: {title: {display: true, text: projection.dataset.x}}},
      plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}},
  });
});
