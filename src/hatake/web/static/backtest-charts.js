// Backtest charts: lift by decile, churn rate per grade and the ROC curve, one dataset per
// definition version. Reads #evaluation-data (JSON written by health/evaluation_views.py).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("evaluation-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const percent = new Intl.NumberFormat(data.locale, {style: "percent", maximumFractionDigits: 1});
  const decimal = new Intl.NumberFormat(data.locale, {maximumFractionDigits: 2});
  const common = {animation: false, maintainAspectRatio: false,
                  plugins: {legend: {display: data.series.length > 1, position: "bottom"}}};

  const deciles = document.getElementById("decile-chart");
  if (deciles) {
    new Chart(deciles, {
      type: "bar",
      data: {labels: data.deciles,
             datasets: data.series.map((s) => ({label: s.label, data: s.deciles, backgroundColor: s.colour}))},
      options: {...common,
        plugins: {...common.plugins, tooltip: {callbacks: {label: (c) => `${c.dataset.label}: ${decimal.format(c.parsed.y)}`}}},
        scales: {x: {title: {display: true, text: data.text.decile}},
                 y: {beginAtZero: true, title: {display: true, text: data.text.lift}}}},
    });
  }

  const grades = document.getElementById("grade-chart");
  if (grades) {
    new Chart(grades, {
      type: "bar",
      data: {labels: data.grades,
             datasets: data.series.map((s) => ({label: s.label, data: s.grades, backgroundColor: s.colour}))},
      options: {...common,
        plugins: {...common.plugins, tooltip: {callbacks: {label: (c) => `${c.dataset.label}: ${percent.format(c.parsed.y)}`}}},
        scales: {y: {beginAtZero: true, title: {display: true, text: data.text.churnRate},
                     ticks: {callback: (value) => percent.format(value)}}}},
    });
  }

  const roc = document.getElementById("roc-chart");
  if (roc) {
    const curves = data.series.map((s) => ({label: s.label, data: s.roc, borderColor: s.colour,
      backgroundColor: s.colour, showLine: true, pointRadius: 0, borderWidth: 2, stepped: false}));
    curves.push({label: data.text.chance, data: [{x: 0, y: 0}, {x: 1, y: 1}], borderColor: "#9e9e9e",
      borderDash: [4, 4], showLine: true, pointRadius: 0, borderWidth: 1});
    new Chart(roc, {
      type: "scatter",
      data: {datasets: curves},
      options: {...common, plugins: {legend: {display: true, position: "bottom"}},
        scales: {x: {min: 0, max: 1, title: {display: true, text: data.text.fpr},
                     ticks: {callback: (value) => percent.format(value)}},
                 y: {min: 0, max: 1, title: {display: true, text: data.text.tpr},
                     ticks: {callback: (value) => percent.format(value)}}}},
    });
  }
});
