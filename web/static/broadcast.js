// A staff message being sent: the page reloads every few seconds until
// its copies are written (at most a minute, then the staff member reloads).
const row = document.getElementById("delivery");
const tries = Number(sessionStorage.getItem("broadcast-refresh") || "0");
if (row && row.dataset.pending === "yes" && tries < 20) {
  sessionStorage.setItem("broadcast-refresh", String(tries + 1));
  setTimeout(() => location.reload(), 3000);
} else {
  sessionStorage.removeItem("broadcast-refresh");
}
