// Ponte: managing a saved integration. Acesso (name, access, Excluir integração), Histórico de
// configurações (Restaurar esta versão), Cancelar a job, and the catalogue match (Vínculos).
// Uses api(), problem(), say(), busy(), collectOrSay() and base() from ponte.js.
"use strict";

// Acesso: only what changed is sent; a secret only when a new value was typed.
function changedAccess(form) {
  const access = {};
  for (const input of form.querySelectorAll('[data-group="access"] [name^="access."]')) {
    const name = input.name.slice("access.".length);
    if (input.dataset.type === "secret") {
      if (input.value !== "") access[name] = input.value;
    } else if (input.dataset.type === "bool") {
      if (input.checked !== input.defaultChecked) access[name] = input.checked;
    } else if (input.tagName === "SELECT") {
      const initial = [...input.options].find((o) => o.defaultSelected)?.value;
      if (input.value !== initial) access[name] = input.value;
    } else if (input.value !== input.defaultValue) {
      access[name] = input.value.trim() === "" ? null : valueOf(input);
    }
  }
  return access;
}

function wireAccess(form) {
  const result = form.querySelector(".result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      const access = readOrSay(result, () => changedAccess(form));
      if (access === null) return;
      const body = {};
      const name = form.elements.name;
      if (name.value.trim() !== name.defaultValue) body.name = name.value.trim();
      if (Object.keys(access).length) body.access = access;
      if (!Object.keys(body).length) return say(result, "Nada foi alterado.", "");
      say(result, "Salvando…", "busy");
      const answer = await api("PATCH", base(), body);
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, "Acesso salvo. Use “Testar Conexão” para conferir.", "ok");
      setTimeout(() => window.location.reload(), 900);
    });
  });
}

// Excluir integração: a modal confirmation; a refusal (events held) is explained in place.
function wireDelete() {
  const dialog = document.getElementById("excluir-dialogo");
  const result = document.getElementById("excluir-result");
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "delete-open") dialog.showModal();
    if (action === "delete-cancel") dialog.close();
    if (action === "delete-confirm") busy(button, async () => {
      const answer = await api("DELETE", base());
      dialog.close();
      if (answer.ok) return window.location.assign("/plataformas");
      say(result, problem(answer), "fail");
      const held = answer.data?.error?.held;
      if (held) {
        const total = Object.values(held).reduce((a, b) => a + b, 0);
        result.append(` (${total} evento(s) retido(s)) `);
        result.append(Object.assign(document.createElement("a"), {
          href: `/plataformas/${integrationId()}/automacoes`, textContent: "Ir para Automações",
        }));
      }
      document.querySelector('[data-action="delete-open"]').focus();
    });
  });
}

// Histórico de configurações: Restaurar esta versão.
function wireRestore(table) {
  const result = document.getElementById("versoes-result");
  table.addEventListener("click", (event) => {
    const button = event.target.closest('button[data-action="restore"]');
    if (!button) return;
    busy(button, async () => {
      const version = button.dataset.version;
      say(result, `Restaurando a versão ${version}…`, "busy");
      const answer = await api("POST", `${base()}/config/versions/${version}/restore`, {});
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, `Versão ${version} restaurada: agora é a versão ${answer.data.version}.`, "ok");
      setTimeout(() => window.location.reload(), 1200);
    });
  });
}

// Tarefas: Cancelar stops a running job at its next page boundary.
function wireCancel(table) {
  table.addEventListener("click", (event) => {
    const button = event.target.closest('button[data-action="cancel-job"]');
    if (!button) return;
    const row = button.closest("tr[data-job]");
    const result = document.getElementById("job-result");
    busy(button, async () => {
      const answer = await api("POST", `/api/v1/jobs/${row.dataset.job}/cancel`, {});
      if (!answer.ok) return say(result, problem(answer), "fail");
      say(result, "Cancelamento pedido: a tarefa para ao fim da página que está lendo.", "ok");
      button.remove();
    });
  });
}

// Vincular catálogo por SKU/EAN: a dry run first, then Aplicar vínculos.
const CONFLICTS = {
  duplicate_sku: "SKU repetido", duplicate_ean: "EAN repetido",
  ean_mismatch: "Mesmo SKU com EAN diferente", ambiguous: "Ambíguo",
  already_linked: "Já vinculado a outro produto",
};
const SHOWN = 50;

function matchSummary(report) {
  const c = report.counts;
  return `ERP: ${report.erp_products} produto(s); plataforma: ${report.platform_products}. `
    + `${c.matched} vínculo(s) a criar, ${c.already_linked} já vinculado(s), ${c.conflicts} conflito(s), `
    + `${c.only_in_erp} só no ERP, ${c.only_on_platform} só na plataforma.`;
}

function matchSection(box, heading, headings, rows, total) {
  const title = document.createElement("h4");
  title.textContent = heading;
  box.append(title);
  if (!rows.length) {
    box.append(Object.assign(document.createElement("p"), { className: "muted", textContent: "Nenhum." }));
    return;
  }
  box.append(table(headings, rows.slice(0, SHOWN), heading));
  if (total > SHOWN) box.append(Object.assign(document.createElement("p"), { className: "muted", textContent: `… e mais ${total - SHOWN}.` }));
}

function showMatch(report) {
  const box = document.getElementById("vincular-relatorio");
  box.replaceChildren();
  const by = { sku: "SKU", ean: "EAN" };
  matchSection(box, "Conflitos (não serão vinculados)", ["Tipo", "SKU / EAN", "No ERP", "Na plataforma"],
    report.conflicts.map((c) => [CONFLICTS[c.kind] || c.kind, c.value, c.erp_ids.join(", "), c.platform_ids.join(", ")]),
    report.counts.conflicts);
  matchSection(box, report.dry_run ? "Vínculos a criar" : "Vínculos criados", ["Produto no ERP", "Produto na plataforma", "Por", "SKU", "EAN"],
    report.matched.map((m) => [m.erp_id, m.platform_id, by[m.by] || m.by, m.sku, m.ean || "—"]), report.counts.matched);
}

function wireMatch(section) {
  const result = section.querySelector(".result");
  const apply = section.querySelector('[data-action="match-apply"]');
  section.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !button.dataset.action.startsWith("match-")) return;
    const dryRun = button.dataset.action === "match-check";
    let linkable = false;
    busy(button, async () => {
      say(result, dryRun ? "Lendo os catálogos do ERP e da plataforma…" : "Gravando os vínculos…", "busy");
      const answer = await api("POST", `${base()}/links/match`, { dry_run: dryRun });
      if (!answer.ok) return say(result, problem(answer), "fail");
      const report = answer.data;
      say(result, dryRun ? matchSummary(report) : `${report.linked} vínculo(s) criado(s). ${matchSummary(report)}`, "ok");
      showMatch(report);
      linkable = dryRun && report.counts.matched > 0;
      if (!dryRun) section.querySelector('[data-action="match-check"]').focus();
    }).finally(() => { apply.disabled = !linkable; });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const access = document.getElementById("acesso");
  if (access) { wireAccess(access); wireDelete(); }
  const versions = document.getElementById("versoes");
  if (versions) wireRestore(versions);
  const jobs = document.getElementById("jobs");
  if (jobs) wireCancel(jobs);
  const match = document.getElementById("vincular");
  if (match) wireMatch(match);
});
