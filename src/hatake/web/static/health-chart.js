// Health score history line chart: reads {labels, scores, versions, version_marks, bands} from
// #health-data into #health-chart. Grade bands are drawn as a tinted background and each day a
// new definition version took over gets a dashed vertical line labelled with the version.

// Tinted grade bands behind the line (colour at low opacity), between each grade's min and the next.
const gradeBands = {
  id: "hatakeGradeBands",
  beforeDatasetsDraw(chart, _args, options) {
    const {ctx, chartArea, scales: {y}} = chart;
    if (!chartArea) return;
    ctx.save();
    for (const band of options.bands || []) {
      const top = y.getPixelForValue(Math.min(band.max, y.max));
      const bottom = y.getPixelForValue(Math.max(band.min, y.min));
      if (bottom <= top) continue;
      ctx.fillStyle = band.colour + "1f";  // #rrggbb + alpha ≈ 12 %
      ctx.fillRect(chartArea.left, top, chartArea.right - chartArea.left, bottom - top);
    }
    ctx.restore();
  },
};

// Dashed vertical lines where the definition version changed, with the version as a label.
const versionMarks = {
  id: "hatakeVersionMarks",
  afterDatasetsDraw(chart, _args, options) {
    const {ctx, chartArea, scales: {x}} = chart;
    const marks = options.marks || [];
    if (!chartArea || !marks.length) return;
    ctx.save();
    ctx.font = "11px " + getComputedStyle(document.body).fontFamily;
    ctx.textBaseline = "top";
    for (const mark of marks) {
      const left = x.getPixelForValue(mark.index);
      ctx.strokeStyle = "#6b4f3a";
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(left, chartArea.top);
      ctx.lineTo(left, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      const text = (options.prefix ? options.prefix + " " : "") + mark.version;
      const width = ctx.measureText(text).width + 6;
      // Keep the label inside the plot: flip it to the left of the line near the right edge.
      const start = left + 3 + width > chartArea.right ? left - 3 - width : left + 3;
      ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
      ctx.fillRect(start, chartArea.top + 2, width, 15);
      ctx.fillStyle = "#6b4f3a";
      ctx.fillText(text, start + 3, chartArea.top + 4);
    }
    ctx.restore();
  },
};

// Days without a score are null, drawn as gaps. A long history hides its points, except a
// score standing alone between gaps, which would otherwise not show at all.
function pointRadius(scores) {
  const missing = (index) => scores[index] === null || scores[index] === undefined;
  return (context) => {
    const index = context.dataIndex;
    if (scores.length <= 60) return 2;
    return missing(index - 1) && missing(index + 1) ? 2 : 0;
  };
}

document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("health-chart");
  const source = document.getElementById("health-data");
  const data = source ? JSON.parse(source.textContent) : null;
  if (!canvas || !data || !window.Chart) return;
  const versions = data.versions || [];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{label: canvas.getAttribute("aria-label"), data: data.scores,
                  borderColor: "#2b5e33", pointRadius: pointRadius(data.scores),
                  tension: 0.2}],
    },
    plugins: [gradeBands, versionMarks],
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: {
        legend: {display: false},
        tooltip: {callbacks: {
          afterLabel: (item) => versions[item.dataIndex]
            ? (canvas.dataset.versionLabel || "") + " " + versions[item.dataIndex] : "",
        }},
        hatakeGradeBands: {bands: data.bands || []},
        hatakeVersionMarks: {marks: data.version_marks || [], prefix: canvas.dataset.versionLabel || ""},
      },
      scales: {x: {ticks: {maxTicksLimit: 8}}, y: {min: 0, max: 100}},
    },
  });
});
