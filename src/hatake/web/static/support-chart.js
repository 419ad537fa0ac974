// The support report's charts: tickets opened per period by issue type (stacked bars) and the
// backlog at each period end. Reads {labels, volume: {functional, operational}, backlog} from
// #support-data.
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("support-data").textContent);
  const volume = document.getElementById("support-volume-chart");
  const backlog = document.getElementById("support-backlog-chart");
  if (!window.Chart || !volume || !backlog) return;
  const colours = {functional: "#1565c0", operational: "#ef8f00"};
  const common = {animation: false, maintainAspectRatio: false,
                  plugins: {legend: {position: "bottom"}}};
  new Chart(volume, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: Object.entries(data.volume).map(([key, values]) => ({
        label: volume.dataset[key] || key, data: values, backgroundColor: colours[key] || "#888",
      })),
    },
    options: {...common, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}},
  });
  new Chart(backlog, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{label: backlog.dataset.label, data: data.backlog, borderColor: "#6a1b9a",
                  backgroundColor: "#6a1b9a22", fill: true, tension: 0}],
    },
    options: {...common, scales: {y: {beginAtZero: true}}},
  });
});
