// Today's queue: one action panel open at a time (the touch card has a fixed id), and after a
// touch is logged the row is read again: it leaves the queue when the account is no longer due.
// When a snooze is ended and the account is due, its row comes in at the top of the queue.
(function () {
  const table = document.getElementById("queue");
  if (!table) return;
  function rowQuery() {
    return new URLSearchParams({ owner: table.dataset.owner, as_of: table.dataset.asOf });
  }
  table.addEventListener("htmx:beforeRequest", function (event) {
    const opener = event.detail.elt;
    if (!opener.classList || !opener.classList.contains("queue-open")) return;
    const target = opener.getAttribute("hx-target").slice(1);
    table.querySelectorAll(".queue-panel").forEach(function (panel) {
      if (panel.id !== target) panel.innerHTML = "";
    });
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    table.querySelectorAll(".queue-panel").forEach(function (panel) {
      if (panel.dataset.reread || !panel.querySelector("#touch-log [role=status]")) return;
      panel.dataset.reread = "1";
      const id = panel.dataset.accountId;
      htmx.ajax("GET", "/queue/rows/" + id + "?" + rowQuery(), {
        target: "#queue-item-" + id,
        swap: "outerHTML",
      });
    });
    document.querySelectorAll("#queue-snoozes [data-returned]").forEach(function (line) {
      const id = line.dataset.returned;
      line.removeAttribute("data-returned");
      const empty = table.querySelector("tbody.queue-empty");
      if (empty) empty.remove();
      htmx.ajax("GET", "/queue/rows/" + id + "?" + rowQuery(), {
        target: "#queue-head",
        swap: "afterend",
      });
    });
  });
})();
