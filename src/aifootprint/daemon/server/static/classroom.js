// Class sharing in the dashboard: fills <section id="class-sharing"> (the dashboard's
// hook) from /api/v1/class/*. Joining shows the explanation and the exact submission
// first and needs a click on "Join"; leaving is one click. Follows <html lang>.

import { takeKeptJoin } from "./kept_join.js";
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
  // The session cookie goes along by itself; errors come in the page's language.
  const options = { headers: { "Accept-Language": lang() } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1/class/${path}`, options);
  const answer = await response.json();
  if (!response.ok) {
    throw Object.assign(new Error(answer.error?.message || response.statusText),
      { status: response.status, field: answer.error?.field });
  }
  return answer;
}

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

// The next submission in words ("Week 48 (23–29 nov): 17 vragen, 17 afbeeldingen"), the
// exact JSON behind "technische details".
const soFar = (preview) => (preview.closed ? "" : t("class_so_far"));

function previewBlock(preview, intro) {
  return [
    element("p", { textContent: intro }),
    element("p", { className: "class-words" }, element("strong", { textContent: preview.words[lang()] })),
    element("details", {}, element("summary", { textContent: t("class_details") }),
      element("pre", { className: "class-preview", textContent: JSON.stringify(preview.body, null, 2) })),
  ];
}

// One current error, in plain words in the page's language: a new one replaces the last.
// The statuses are the class server's, passed on by the daemon (docs/api.md).
function errorText(error) {
  if (error.field === "server") return t("class_error_https");
  switch (error.status) {
    case 502: return t("class_error_unreachable");
    case 404: return t("class_error_code");
    case 410: return t("class_error_expired");
    case 409: return t("class_error_full");
    case 429: return t("class_error_busy");
    default: return t("class_error_other", { message: error.message });
  }
}

function showError(text) {
  section.querySelector(".error")?.remove();
  section.append(element("p", { className: "error", role: "alert", textContent: text }));
}

// The join link (model/join_link.py writes it) carries the class server and the join code in
// its fragment: http://127.0.0.1:47474/#join=<server>&code=<code>. Anything else is a code.
function parseJoin(text) {
  const value = text.trim();
  let fragment = value.startsWith("#") ? value.slice(1) : "";
  try { fragment = new URL(value).hash.slice(1); } catch { /* a bare join code */ }
  const fields = new URLSearchParams(fragment);
  if (fields.get("join") && fields.get("code")) return { server: fields.get("join"), code: fields.get("code") };
  return { server: null, code: value };
}

// The extension's link to the dashboard carries the class server (and join code) a school
// set by policy: ?class_server=URL&class_code=CODE. Like the join link, it only fills the
// form in; joining still takes the preview and the click on "Join".
const offered = new URLSearchParams(location.search);
const linkText = location.hash || takeKeptJoin();  // or the link opened before logging in
const linked = parseJoin(linkText);
if (linkText) history.replaceState(null, "", location.pathname + location.search);  // out of sight

function joinForm() {
  const join = element("input", { name: "join", required: true, autocomplete: "off",
    value: linked.server ? linkText : offered.get("class_code") ?? "" });
  const server = element("input", { name: "server", type: "url", placeholder: "https://",
    value: offered.get("class_server") ?? "" });
  const serverLabel = element("label", { hidden: true }, t("class_server"), " ", server);
  const form = element("form", { className: "class-join" },
    element("label", {}, t("class_link"), " ", join),
    element("p", { className: "hint", textContent: t("class_link_hint") }), serverLabel,
    element("button", { type: "submit", textContent: t("class_preview") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const parsed = parseJoin(join.value);
    const ask = { code: parsed.code, server: parsed.server ?? server.value.trim() };
    if (!ask.server) {
      serverLabel.hidden = false;
      showError(t("class_error_server"));
      return;
    }
    try {
      showConsent(ask, await call("preview", ask));
    } catch (error) { showError(errorText(error)); }
  });
  return form;
}

// The consent being read, if any: a re-render (the language switched, or a render that
// started before it) shows it again instead of the form.
let consent = null;

function showConsent(ask, shown) {
  consent = { ask, shown };
  const join = element("button", { type: "button", textContent: t("class_join") });
  const cancel = element("button", { type: "button", textContent: t("dashboard_cancel") });
  join.addEventListener("click", async () => {
    try {
      await call("join", { ...ask, pseudonym: shown.preview.body.pseudonym, confirm: true });
      consent = null;
      await render();
    } catch (error) { showError(errorText(error)); }
  });
  cancel.addEventListener("click", () => {
    consent = null;
    render();
  });
  section.replaceChildren(element("h2", { textContent: t("class_title") }),
    element("h3", { textContent: t("class_consent_title", { name: shown.class.name }) }),
    ...shown.explanation[lang()].split("\n").map((line) => element("p", { textContent: line })),
    ...previewBlock(shown.preview, t("class_will_send", { note: soFar(shown.preview) })), element("div", { className: "buttons" }, join, cancel));
  section.scrollIntoView({ block: "start" });
}

async function memberView(status) {
  const info = status.class;
  const leave = element("button", { type: "button", className: "danger", textContent: t("class_leave") });
  leave.addEventListener("click", async () => {
    try { await call("leave", {}); await render(); } catch (error) { showError(errorText(error)); }
  });
  const periods = element("ul", {}, ...status.periods.map((p) =>
    element("li", { textContent: `${p.label?.[lang()] ?? p.period}: ${stateTexts()[p.state] ?? p.state}` })));
  const next = await call("preview");
  return [element("p", { textContent: t("class_member", { name: info.name, server: info.server,
    period: periodTexts()[info.period] ?? info.period }) }), periods,
  ...previewBlock(next.preview, t("class_next_message", { note: soFar(next.preview) })), leave];
}

async function render(openLink = false) {
  try {
    const status = await call("status");
    if (consent && !status.member) {
      showConsent(consent.ask, consent.shown);
      return;
    }
    const body = status.member ? await memberView(status)
      : [element("p", { textContent: t("class_off") }), joinForm()];
    section.replaceChildren(element("h2", { textContent: t("class_title") }), ...body);
    // Opened from a join link: straight to what would be sent (nothing is sent yet).
    if (openLink && !status.member) section.querySelector("form.class-join").requestSubmit();
  } catch (error) { section.replaceChildren(); showError(errorText(error)); }
}

if (section) {
  render(Boolean(linked.server));
  new MutationObserver(() => render()).observe(document.documentElement, { attributeFilter: ["lang"] });
}
