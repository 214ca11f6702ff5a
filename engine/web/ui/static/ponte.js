// Ponte: the Integrações screen's behaviour. Plain JavaScript calling the JSON admin API with
// the session cookie and the page's CSRF token. No build step, no dependencies.
"use strict";

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || "";

async function api(method, path, body) {
  const headers = { "X-CSRF-Token": meta("csrf-token"), "X-Ponte-Actor": meta("ponte-user") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  return { ok: response.ok, status: response.status, data };
}

// The API's error codes in pt-BR (engine/web/ui/words.py API_ERRORS, embedded in the page).
const ERRORS = JSON.parse(document.getElementById("api-errors")?.textContent || "{}");
// Field labels and why a field was refused, in pt-BR (words.py FIELD_WORDS).
const FIELD_WORDS = JSON.parse(document.getElementById("field-words")?.textContent || "{}");

// The input a field path names (e.g. access.admin_api_token), if the page shows it.
function inputOf(path, scope) {
  const last = String(path).split(".").pop();
  const css = `[name="${path}"], [name$=".${last}"], [name="${last}"]`;
  return (scope || document).querySelector(css) || document.querySelector(css);
}

// The label a merchant sees for a field path: the input's own label, else the words table.
function fieldName(path, scope) {
  const shown = inputOf(path, scope)?.labels?.[0]?.textContent.replace("*", "").trim();
  if (shown) return shown;
  const parts = String(path).split(".").filter((part) => !/^\d+$/.test(part));
  const labels = FIELD_WORDS.labels || {};
  const named = [...parts].reverse().find((part) => labels[part]);
  return named ? labels[named] : String(path);
}

// Why the API refused one field, in pt-BR: by pydantic's type, or by our validator's reason.
function fieldReason(detail) {
  const reasons = FIELD_WORDS.reasons || {};
  const known = Object.keys(reasons).find((english) => String(detail.message).includes(english));
  if (known && (!detail.type || detail.type === "value_error" || detail.type === "assertion_error")) {
    return reasons[known];
  }
  const sentence = (FIELD_WORDS.problems || {})[detail.type];
  if (sentence) return sentence.replace("{limit}", String(detail.limit ?? "").replace(".", ","));
  return known ? reasons[known] : "valor não aceito";
}

// The refused fields: each input marked invalid, the first one focused, one sentence each.
function fieldProblems(fields, scope) {
  let first = null;
  const lines = fields.map((detail) => {
    const input = inputOf(detail.field, scope);
    if (input && input.type !== "hidden") {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
    return `${fieldName(detail.field, scope)}: ${fieldReason(detail)}`;
  });
  first?.focus();
  return lines;
}

// An entity key as the merchant reads it: "order:4501" -> "Pedido 4501".
function recordName(entityKey) {
  const [kind, ...rest] = String(entityKey).split(":");
  const named = (FIELD_WORDS.records || {})[kind];
  return named && rest.length ? `${named} ${rest.join(":")}` : String(entityKey);
}

const outcomeName = (outcome) => (FIELD_WORDS.outcomes || {})[outcome] || outcome;

function problem(answer, scope) {
  const error = answer.data?.error;
  if (!error) return `A Ponte não respondeu como esperado (erro ${answer.status}). Tente de novo.`;
  const sentence = ERRORS[error.code] || `Não foi possível: ${error.message}`;
  const fields = fieldProblems(error.fields || [], scope);
  return fields.length ? `${sentence} ${fields.join("; ")}.` : sentence;
}

function say(where, text, kind) {
  if (!where) return;
  where.textContent = text;
  where.className = `result ${kind || ""}`;
}

function setPath(target, dotted, value) {
  const parts = dotted.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
  node[parts[parts.length - 1]] = value;
}

// A date typed as dd/mm/aaaa, as the API takes it (aaaa-mm-dd); null when it is no such day.
function isoDate(text) {
  const found = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!found) return null;
  const [day, month, year] = found.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

class InvalidInput extends Error {
  constructor(input, message) { super(message); this.input = input; }
}

// One input's value as JSON, by its data-type; throws InvalidInput on a bad date.
function valueOf(input) {
  const type = input.dataset.type;
  if (type === "bool") return input.checked;
  if (type === "number") return Number(input.value);
  if (type === "list") return input.value.split(",").map((v) => v.trim()).filter(Boolean);
  if (type === "date") {
    const iso = isoDate(input.value);
    const label = input.labels?.[0]?.textContent.trim() || input.name;
    if (!iso) throw new InvalidInput(input, `Data inválida em “${label}”: use dd/mm/aaaa, por exemplo 01/11/2026.`);
    return iso;
  }
  return input.value;
}

// The form's named inputs as JSON: empty optional fields are left out (their default).
function collect(form, scope) {
  const body = {};
  for (const input of (scope || form).querySelectorAll("input[name], select[name], textarea[name]")) {
    if (input.type === "hidden" && !input.name.includes(".")) continue;
    if (input.dataset.type !== "bool" && input.value.trim() === "") continue;
    input.removeAttribute("aria-invalid");
    setPath(body, input.name, valueOf(input));
  }
  return body;
}

// read()'s answer, or null after saying what is wrong and focusing the input at fault.
function readOrSay(result, read) {
  try { return read(); } catch (err) {
    if (!(err instanceof InvalidInput)) throw err;
    err.input.setAttribute("aria-invalid", "true");
    err.input.focus();
    say(result, err.message, "fail");
    return null;
  }
}

const collectOrSay = (form, result, scope) => readOrSay(result, () => collect(form, scope));

async function busy(button, work) {
  if (button) button.disabled = true;
  try { return await work(); } finally { if (button) button.disabled = false; }
}

const integrationId = () => document.getElementById("integracao")?.dataset.id;
const base = () => `/api/v1/integrations/${integrationId()}`;

// Incluir uma Plataforma: Testar Conexão (unsaved), then Salvar.
function wireIncluir(form) {
  const result = form.querySelector(".result");
  const access = () => collect(form, form.querySelector('[data-group="access"]')).access || {};
  form.querySelector('[data-action="test-unsaved"]').addEventListener("click", (event) =>
    busy(event.target, async () => {
      say(result, "Testando a conexão…", "busy");
      const answer = await api("POST", "/api/v1/integrations/test-connection",
        { platform: form.dataset.platform, access: access() });
      if (!answer.ok) return say(result, problem(answer), "fail");
      const store = answer.data.store_name ? ` Loja: ${answer.data.store_name}.` : "";
      say(result, answer.data.message + store, answer.data.ok ? "ok" : "fail");
    }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      const body = { platform: form.dataset.platform, name: form.elements.name.value, access: access() };
      if (form.elements.id.value.trim()) body.id = form.elements.id.value.trim();
      say(result, "Salvando…", "busy");
      const answer = await api("POST", "/api/v1/integrations", body);
      if (!answer.ok) return say(result, problem(answer), "fail");
      window.location.assign(`/plataformas/${answer.data.id}/automacoes`);
    });
  });
}

// A form whose inputs are the body of one API call (Configurações, Automações).
function wireJsonForm(form) {
  const result = form.querySelector(".result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      const body = collectOrSay(form, result);
      if (body === null) return;
      say(result, "Salvando…", "busy");
      const answer = await api(form.dataset.method, form.dataset.path, body);
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, "Salvo.", "ok");
      if (form.dataset.then === "reload") setTimeout(() => window.location.reload(), 600);
    });
  });
}

// Mapeamentos: rules from their fieldsets; save with the version read, or preview a draft.
function ruleOf(fieldset) {
  const get = (name) => fieldset.querySelector(`[name="${name}"]`);
  const kind = get("kind").value;
  const text = get("value").value;
  let transform;
  if (kind === "lookup") {
    const table = {};
    for (const line of text.split("\n")) {
      const at = line.indexOf("=");
      if (at > 0) table[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    transform = { kind, table, default: get("default").value.trim() || null };
  } else if (kind === "constant") transform = { kind, value: text.trim() };
  else transform = { kind, template: text.trim() };
  const rule = {
    id: get("id").value.trim(), target: get("target").value, source: get("source").value.trim(),
    transform, when: get("when").value, required: get("required").checked,
  };
  if (get("attribute").value.trim()) rule.attribute = get("attribute").value.trim();
  return rule;
}

function wireMappings(form) {
  const result = form.querySelector(".result");
  const rules = () => [...form.querySelectorAll("[data-rule]")].map(ruleOf);
  form.addEventListener("click", (event) => {
    const action = event.target.dataset.action;
    if (action === "remove-rule") event.target.closest("[data-rule]").remove();
    if (action === "add-rule") {
      const n = form.querySelectorAll("[data-rule]").length + 1;
      const html = document.getElementById("rule-template").innerHTML.replaceAll("__N__", n);
      document.getElementById("rules").insertAdjacentHTML("beforeend", html);
      document.getElementById(`r${n}-id`).focus();
    }
    if (action === "preview") busy(event.target, async () => {
      say(result, "Calculando a pré-visualização…", "busy");
      const answer = await api("POST", `${base()}/mappings/preview`, { mappings: rules() });
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, `${answer.data.events.length} evento(s) recente(s) pré-visualizado(s).`, "ok");
      showPreview(answer.data.events);
    });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      say(result, "Salvando…", "busy");
      const answer = await api("PUT", `${base()}/mappings`,
        { mappings: rules(), expected_version: Number(form.dataset.version) });
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, "Mapeamentos salvos.", "ok");
      setTimeout(() => window.location.reload(), 600);
    });
  });
}

const OUTCOMES = { ok: "ok", mapping_missing: "falta mapeamento", refused: "recusado", not_mapped: "sem regra" };

function showPreview(events) {
  const box = document.getElementById("previa");
  box.replaceChildren();
  if (!events.length) {
    box.append(Object.assign(document.createElement("p"), { className: "empty", textContent: "Nenhum evento recente para pré-visualizar." }));
    return;
  }
  for (const item of events) {
    const card = Object.assign(document.createElement("div"), { className: "card preview" });
    const title = document.createElement("h4");
    title.textContent = `${recordName(item.entity_key)} · ${OUTCOMES[item.outcome] || item.outcome}`;
    card.append(title);
    const detail = document.createElement(item.payload ? "pre" : "p");
    detail.textContent = item.payload ? JSON.stringify(item.payload, null, 2) : item.reason;
    card.append(detail);
    box.append(card);
  }
}

// Erros: retry (as parked or edited) and ignore.
function wireErrors(list) {
  list.addEventListener("click", (event) => {
    const action = event.target.dataset.action;
    if (!action) return;
    const item = event.target.closest("[data-entity-key]");
    const key = item.dataset.entityKey;
    const result = item.querySelector(".result");
    busy(event.target, async () => {
      let answer;
      if (action === "ignore") answer = await api("POST", `${base()}/errors/ignore`, { entity_key: key });
      else {
        const body = { entity_key: key };
        if (action === "edit-retry") {
          try { body.payload = JSON.parse(item.querySelector("textarea").value); }
          catch (err) { return say(result, `O conteúdo não é um JSON válido: ${err.message}`, "fail"); }
        }
        answer = await api("POST", `${base()}/errors/retry`, body);
      }
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, action === "ignore" ? "Ignorado." : "Reenviado: sai da lista assim que for aplicado.", "ok");
      if (action === "ignore") setTimeout(() => window.location.reload(), 600);
      else waitResolved(key, result);
    });
  });
}

async function waitResolved(key, result) {
  for (let i = 0; i < 60; i += 1) {
    await new Promise((r) => setTimeout(r, 1000));
    const answer = await api("GET", `${base()}/errors`);
    if (answer.ok && !answer.data.errors.some((e) => e.entity_key === key)) {
      say(result, "Aplicado com sucesso: o registro saiu da lista de erros.", "ok");
      return;
    }
  }
}

// Jobs: start one, then follow every unfinished job's progress.
const STATES = { queued: "na fila", running: "em andamento", done: "concluída", failed: "falhou", cancelled: "cancelada" };

async function startJob(body, button) {
  const result = document.getElementById("job-result");
  await busy(button, async () => {
    const answer = await api("POST", `${base()}/jobs`, body);
    if (!answer.ok) return say(result, problem(answer), "fail");
    say(result, "Tarefa iniciada.", "ok");
    const table = document.querySelector("#jobs tbody");
    table.querySelector("tr.none")?.remove();
    const row = document.createElement("tr");
    row.dataset.job = answer.data.id;
    row.innerHTML = '<td><span class="title"></span><div class="muted small">agora</div></td><td class="state"></td><td><progress max="1"></progress> <span class="count"></span></td><td class="outcome"></td>'
      + '<td class="job-actions"><button type="button" class="small danger" data-action="cancel-job">Cancelar</button></td>';
    const title = button?.textContent || "Tarefa";
    row.querySelector(".title").textContent = title;
    row.querySelector("progress").setAttribute("aria-label", `Progresso de ${title}`);
    row.querySelector("[data-action=cancel-job]").setAttribute("aria-label", `Cancelar ${title}`);
    table.prepend(row);
    showJob(row, answer.data);
    follow(row);
  });
}

function showJob(row, job) {
  row.dataset.state = job.state;
  row.querySelector(".state").textContent = STATES[job.state] || job.state;
  const bar = row.querySelector("progress");
  const finished = ["done", "failed", "cancelled"].includes(job.state);
  bar.max = job.total || 1;
  // While the source is still being read the total is unknown: an indeterminate bar.
  if (job.total === null && !finished) bar.removeAttribute("value");
  else bar.value = job.total ? job.done : 1;
  const total = job.total === null || job.total === undefined ? "" : ` de ${job.total}`;
  row.querySelector(".count").textContent = `${job.done}${total}${job.failed ? ` · ${job.failed} com erro` : ""}`;
  row.querySelector(".outcome").textContent = finished ? outcome(job) : "";
  if (finished) row.querySelector("[data-action=cancel-job]")?.remove();
}

const DONE = {
  import: "importado(s)", export: "exportado(s)", import_orders: "pedido(s) importado(s)",
  reconcile: "conferido(s)", replay_held: "processado(s)",
};

// The result in pt-BR from the job's counts (the same words as the server-rendered rows).
function outcome(job) {
  if (job.notice) return job.notice;
  if (job.state === "failed") return `Não concluída (${job.done} feito(s)). Detalhe técnico: ${job.result || "-"}`;
  const total = job.total ?? job.done + job.failed;
  let text = `${job.done} de ${total} ${DONE[job.request.kind] || ""}`;
  if (job.failed) text += `, ${job.failed} com erro`;
  if (job.state === "cancelled") text += " antes do cancelamento";
  const first = (job.errors || []).slice(0, 3).map((e) => `${e.item}: ${e.reason}`).join("; ");
  return first ? `${text} — ${first}` : text;
}

async function follow(row) {
  const finished = () => ["done", "failed", "cancelled"].includes(row.dataset.state);
  if (finished()) return;
  while (!finished()) {
    await new Promise((r) => setTimeout(r, 700));
    const answer = await api("GET", `/api/v1/jobs/${row.dataset.job}`);
    if (answer.ok) showJob(row, answer.data);
  }
  announce(`${row.querySelector(".title")?.textContent || "Tarefa"}: ${row.querySelector(".state").textContent}. ${row.querySelector(".outcome").textContent}`);
}

// A sentence for screen readers only (a job that ended while the merchant was elsewhere).
function announce(text) {
  let region = document.getElementById("anuncio");
  if (!region) {
    region = Object.assign(document.createElement("p"), { id: "anuncio", className: "sr" });
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  region.textContent = text;
}

function wireJobs() {
  for (const button of document.querySelectorAll('[data-action="job"]')) {
    button.addEventListener("click", () => startJob(JSON.parse(button.dataset.job), button));
  }
  for (const form of document.querySelectorAll("form[data-kind]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields = collectOrSay(form, document.getElementById("job-result"));
      if (fields === null) return;
      const body = { kind: form.dataset.kind, ...fields };
      if (form.elements.entity && form.elements.entity.type === "hidden") body.entity = form.elements.entity.value;
      startJob(body, form.querySelector('button[type="submit"]'));
    });
  }
  for (const row of document.querySelectorAll("#jobs tr[data-job]")) follow(row);
}

// Histórico e vínculos: entries by entity, links with their ERP ids.
function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  row.append(td);
}

function table(headings, rows, caption) {
  const t = document.createElement("table");
  t.className = "list";
  const cap = document.createElement("caption");
  cap.textContent = caption;
  cap.className = "sr";
  const head = document.createElement("tr");
  for (const h of headings) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  t.append(cap, Object.assign(document.createElement("thead")), document.createElement("tbody"));
  t.tHead.append(head);
  for (const values of rows) {
    const tr = document.createElement("tr");
    for (const v of values) cell(tr, v);
    t.tBodies[0].append(tr);
  }
  return t;
}

const STEPS = {
  received: "recebido", applied: "aplicado", sent: "enviado", skipped: "pulado", held: "retido",
  parked: "com erro", resolved: "resolvido", ignored: "ignorado", retried: "reenviado", linked: "vinculado",
};

const when = (at) => new Date(at).toLocaleString("pt-BR", { timeZone: "America/Sao_Paulo" }) + " (Brasília)";

async function searchHistory(form) {
  const result = form.parentElement.querySelector(".result");
  const box = document.getElementById("historico-resultado");
  const q = form.elements.q.value.trim();
  const answer = await api("GET", `${base()}/history?q=${encodeURIComponent(q)}`);
  if (!answer.ok) return say(result, problem(answer), "fail");
  box.replaceChildren();
  const entryRow = (e, key) => [when(e.at), recordName(key ?? e.entity_key), STEPS[e.step] || e.step, outcomeName(e.outcome), e.detail];
  if (!q) {
    say(result, `${answer.data.entries.length} registro(s) recente(s).`, "ok");
    if (!answer.data.entries.length) return;
    box.append(table(["Quando", "Registro", "Etapa", "Resultado", "Detalhe"], answer.data.entries.map((e) => entryRow(e)), "Histórico recente"));
    return;
  }
  const links = answer.data.links;
  say(result, `${links.length} vínculo(s) e ${answer.data.entities.length} registro(s) encontrados.`, links.length || answer.data.entities.length ? "ok" : "fail");
  const linked = document.createElement("h3");
  linked.textContent = "Vínculos com o ERP";
  const kinds = { order: "Pedido", product: "Produto", category: "Categoria", brand: "Marca" };
  box.append(linked, table(["Tipo", "Código na plataforma", "Código no ERP", "Pedido / SKU", "Desde"],
    links.map((k) => [kinds[k.entity] || k.entity, k.platform_id, k.erp_id, k.order_number || k.sku, when(k.created_at)]), "Vínculos com o ERP"));
  const history = document.createElement("h3");
  history.textContent = "Histórico";
  const rows = answer.data.entities.flatMap((x) => x.entries.map((e) => entryRow(e, x.entity_key)));
  box.append(history, table(["Quando", "Registro", "Etapa", "Resultado", "Detalhe"], rows, "Histórico"));
}

// The heading: pause/resume, test the saved connection, held events, run now.
function wireHeading() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !integrationId()) return;
    const result = document.getElementById("heading-result");
    const action = button.dataset.action;
    if (action === "status") busy(button, async () => {
      const answer = await api("POST", `${base()}/${button.dataset.path}`, {});
      if (!answer.ok) return say(result, problem(answer), "fail");
      window.location.reload();
    });
    if (action === "test-saved") busy(button, async () => {
      say(result, "Testando a conexão…", "busy");
      const answer = await api("POST", `${base()}/test-connection`, {});
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, answer.data.message, answer.data.ok ? "ok" : "fail");
    });
    if (action === "held") busy(button, async () => {
      const answer = await api("POST", `${base()}/held/${button.dataset.automation}`, { action: button.dataset.decision });
      const where = button.closest("form").querySelector(".result");
      if (!answer.ok) return say(where, problem(answer), "fail");
      say(where, `${answer.data.count} evento(s) ${button.dataset.decision === "process" ? "processado(s)" : "descartado(s)"}.`, "ok");
      setTimeout(() => window.location.reload(), 800);
    });
    if (action === "run-now") busy(button, async () => {
      const answer = await api("POST", `${base()}/automations/${button.dataset.automation}/run`, {});
      const where = button.closest("form").querySelector(".result");
      say(where, answer.ok ? "Execução iniciada." : problem(answer), answer.ok ? "ok" : "fail");
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const incluir = document.getElementById("incluir");
  if (incluir) wireIncluir(incluir);
  for (const id of ["configuracoes", "automacoes"]) {
    const form = document.getElementById(id);
    if (form) wireJsonForm(form);
  }
  const mappings = document.getElementById("mapeamentos");
  if (mappings) wireMappings(mappings);
  const errors = document.querySelector("ul.errors");
  if (errors) wireErrors(errors);
  wireJobs();
  wireHeading();
  const history = document.getElementById("historico");
  if (history) {
    history.addEventListener("submit", (event) => { event.preventDefault(); searchHistory(history); });
    searchHistory(history);
  }
  // Escape closes an open arrow menu, keeping keyboard users in control.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of document.querySelectorAll("details.menu[open]")) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    }
  });
  // A click anywhere else closes an open arrow menu (one menu open at a time).
  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll("details.menu[open]")) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    }
  });
});
