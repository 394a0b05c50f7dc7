// A join link (.../#join=SERVER&code=CODE) opened before the dashboard is: the page that
// says how to open the dashboard keeps its fragment in this browser, and the dashboard
// opened next takes it once (classroom.js), so the student need not open the link again.
// The fragment never reaches the daemon; what is kept is gone after use or 30 minutes.
const KEY = "aifootprint-join";
const KEEP_MS = 30 * 60 * 1000;

export function takeKeptJoin() {
  const kept = JSON.parse(localStorage.getItem(KEY) || "null");
  localStorage.removeItem(KEY);
  return kept && Date.now() - kept.at < KEEP_MS ? kept.hash : "";
}

if (document.getElementById("login") && /[#&]join=/.test(location.hash)) {
  localStorage.setItem(KEY, JSON.stringify({ hash: location.hash, at: Date.now() }));
  document.getElementById("join-kept")?.removeAttribute("hidden");
}
