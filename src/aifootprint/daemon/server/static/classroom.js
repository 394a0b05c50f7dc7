// Class sharing in the dashboard: fills <section id="class-sharing"> (the dashboard's
// hook) from /api/v1/class/*. Joining shows the explanation and the exact submission
// first and needs a click on "Join"; leaving is one click. Follows <html lang>.

const section = document.getElementById("class-sharing");
const token = document.querySelector('meta[name="aifootprint-token"]')?.content;

const TEXT = {
  en: {
    title: "Class sharing",
    off: "You share with no class. Sharing is off unless you join with your teacher's code.",
    code: "Join code", server: "Aggregator address", preview: "Show what would be sent",
    exactly: "Exactly what would be sent for {period}{note}:",
    so_far: " (so far; the period has not ended)",
    join: "Join and share", cancel: "Cancel", leave: "Stop sharing and delete my code",
    member: "You share with class {name} ({server}), once a {period}.",
    sent: "sent", waiting: "waiting to be sent", refused: "refused",
    week: "week", day: "day",
  },
  nl: {
    title: "Delen met de klas",
    off: "Je deelt met geen enkele klas. Delen staat uit tot je meedoet met de code van je leraar.",
    code: "Klascode", server: "Adres van de aggregator", preview: "Toon wat er verstuurd wordt",
    exactly: "Precies wat er voor {period} verstuurd zou worden{note}:",
    so_far: " (tot nu toe; de periode is nog niet voorbij)",
    join: "Meedoen en delen", cancel: "Annuleren", leave: "Stop met delen en wis mijn code",
    member: "Je deelt met klas {name} ({server}), één keer per {period}.",
    sent: "verstuurd", waiting: "wacht om verstuurd te worden", refused: "geweigerd",
    week: "week", day: "dag",
  },
};

const lang = () => (document.documentElement.lang === "nl" ? "nl" : "en");
const t = (key, params = {}) =>
  TEXT[lang()][key].replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");

async function call(path, body) {
  const options = { headers: { Authorization: `Bearer ${token}` } };
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
  const note = preview.closed ? "" : t("so_far");
  return [
    element("p", { textContent: t("exactly", { period: preview.body.period, note }) }),
    element("pre", { className: "class-preview", textContent: JSON.stringify(preview.body, null, 2) }),
  ];
}

function showError(error) {
  section.append(element("p", { className: "error", role: "alert", textContent: error.message }));
}

function joinForm() {
  const code = element("input", { name: "code", required: true, autocomplete: "off" });
  const server = element("input", { name: "server", type: "url", required: true,
    placeholder: "https://" });
  const form = element("form", { className: "class-join" },
    element("label", {}, t("code"), " ", code),
    element("label", {}, t("server"), " ", server),
    element("button", { type: "submit", textContent: t("preview") }));
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
  const join = element("button", { type: "button", textContent: t("join") });
  const cancel = element("button", { type: "button", textContent: t("cancel") });
  join.addEventListener("click", async () => {
    try {
      await call("join", { ...ask, pseudonym: shown.preview.body.pseudonym, confirm: true });
      await render();
    } catch (error) { showError(error); }
  });
  cancel.addEventListener("click", render);
  section.replaceChildren(element("h2", { textContent: t("title") }),
    ...shown.explanation[lang()].split("\n").map((line) => element("p", { textContent: line })),
    ...previewBlock(shown.preview), element("div", { className: "buttons" }, join, cancel));
}

async function memberView(status) {
  const info = status.class;
  const leave = element("button", { type: "button", className: "danger", textContent: t("leave") });
  leave.addEventListener("click", async () => {
    try { await call("leave", {}); await render(); } catch (error) { showError(error); }
  });
  const periods = element("ul", {}, ...status.periods.map((p) =>
    element("li", { textContent: `${p.period}: ${t(p.state)}${p.message ? ` (${p.message})` : ""}` })));
  const next = await call("preview");
  return [element("p", { textContent: t("member", { name: info.name, server: info.server,
    period: t(info.period) }) }), periods, ...previewBlock(next.preview), leave];
}

async function render() {
  try {
    const status = await call("status");
    const body = status.member ? await memberView(status) : [element("p", { textContent: t("off") }), joinForm()];
    section.replaceChildren(element("h2", { textContent: t("title") }), ...body);
  } catch (error) { section.replaceChildren(); showError(error); }
}

if (section && token) {
  render();
  new MutationObserver(render).observe(document.documentElement, { attributeFilter: ["lang"] });
}
