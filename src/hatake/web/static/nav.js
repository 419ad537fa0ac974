// The main menu's groups are <details>: they work without script. This only makes them behave
// like a menu: one open at a time, closed by a click elsewhere or Escape.
(() => {
  const groups = [...document.querySelectorAll(".mainnav details.navgroup")];
  const closeAll = (except) => groups.forEach((group) => {
    if (group !== except) group.open = false;
  });
  groups.forEach((group) => group.addEventListener("toggle", () => {
    if (group.open) closeAll(group);
  }));
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".mainnav details.navgroup")) closeAll(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeAll(null);
  });
})();
