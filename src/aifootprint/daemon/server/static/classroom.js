// Class sharing in the dashboard: fills <section id="class-sharing"> (the dashboard's
// hook) from /api/v1/class/*. Joining shows the explanation and the exact submission
// first and needs a click on "Join"; leaving is one click. Follows <html lang>.

import { translate } from "./strings.js";

const section = document.getElementById("class-sharing");

const lang = () => (document.documentElement.lang === "nl" ? "nl" : "en");
const t = (key, params) => translate(lang(), key, params);
// The texts of the states and periods the API answers with.
const stateTexts = () => ({ sent: t("class_sent"), waiting: t("class_waiting"),
  refused: t("class_refused") });
const periodTexts = () => ({ month: t("class_month"), term: t("class_term"), week: t("class_week"),
  day: t("class_day") });

async function call(path, body) {
  const options = { headers: {} }; // the session cookie goes along by itself
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1/class/${path}`, options);
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error?.message || response.statusText);
  return answer;
}

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

function previewBlock(preview) {
  const note = preview.closed ? "" : t("class_so_far");
  return [
    element("p", { textContent: t("class_exactly", { period: preview.body.period, note }) }),
    element("pre", { className: "class-preview", textContent: JSON.stringify(preview.body, null, 2) }),
  ];
}

function showError(error) {
  section.append(element("p", { className: "error", role: "alert", textContent: error.message }));
}

// The extension's link to the dashboard carries the class server (and join code) a school
// set by policy: ?class_server=URL&class_code=CODE. It only fills the form in; joining still
// takes the preview and the click on "Join".
const offered = new URLSearchParams(location.search);

function joinForm() {
  const code = element("input", { name: "code", required: true, autocomplete: "off",
    value: offered.get("class_code") ?? "" });
  const server = element("input", { name: "server", type: "url", required: true,
    placeholder: "https://", value: offered.get("class_server") ?? "" });
  const form = element("form", { className: "class-join" },
    element("label", {}, t("class_code"), " ", code),
    element("label", {}, t("class_server"), " ", server),
    element("button", { type: "submit", textContent: t("class_preview") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ask = { code: code.value.trim(), server: server.value.trim() };
    try {
      showConsent(ask, await call("preview", ask));
    } catch (error) { showError(error); }
  });
  return form;
}

function showConsent(ask, shown) {
  const join = element("button", { type: "button", textContent: t("class_join") });
  const cancel = element("button", { type: "button", textContent: t("dashboard_cancel") });
  join.addEventListener("click", async () => {
    try {
      await call("join", { ...ask, pseudonym: shown.preview.body.pseudonym, confirm: true });
      await render();
    } catch (error) { showError(error); }
  });
  cancel.addEventListener("click", render);
  section.replaceChildren(element("h2", { textContent: t("class_title") }),
    ...shown.explanation[lang()].split("\n").map((line) => element("p", { textContent: line })),
    ...previewBlock(shown.preview), element("div", { className: "buttons" }, join, cancel));
}

async function memberView(status) {
  const info = status.class;
  const leave = element("button", { type: "button", className: "danger", textContent: t("class_leave") });
  leave.addEventListener("click", async () => {
    try { await call("leave", {}); await render(); } catch (error) { showError(error); }
  });
  const periods = element("ul", {}, ...status.periods.map((p) =>
    element("li", { textContent:
      `${p.period}: ${stateTexts()[p.state] ?? p.state}${p.message ? ` (${p.message})` : ""}` })));
  const next = await call("preview");
  return [element("p", { textContent: t("class_member", { name: info.name, server: info.server,
    period: periodTexts()[info.period] ?? info.period }) }), periods, ...previewBlock(next.preview), leave];
}

async function render() {
  try {
    const status = await call("status");
    const body = status.member ? await memberView(status)
      : [element("p", { textContent: t("class_off") }), joinForm()];
    section.replaceChildren(element("h2", { textContent: t("class_title") }), ...body);
  } catch (error) { section.replaceChildren(); showError(error); }
}

if (section) {
  render();
  new MutationObserver(render).observe(document.documentElement, { attributeFilter: ["lang"] });
}
