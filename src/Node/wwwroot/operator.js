// The operator page: the public REST API (rest.md) with a typed-in API key, nothing private.
// Every value from the server goes into the page as textContent, never as markup.
const $ = id => document.getElementById(id);
const keyName = "orchestratorApiKey";
const pollMs = 2000;

let apiKey = sessionStorage.getItem(keyName) || "";
let selectedCampaign = null;
let selectedResult = null;
let timer = null;
let refreshing = false;
let refreshAgain = false;
// The last answer drawn in each part, so a poll that brings nothing new leaves the DOM (and a click on it) alone.
const drawn = {};

function status(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!isError);
}

function createStatus(text, isError) {
  $("createStatus").textContent = text;
  $("createStatus").classList.toggle("error", !!isError);
}

/** A problem details answer (RFC 7807) as one readable message, field errors included. */
async function problemText(response) {
  let text = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    text = problem.detail || problem.title || text;
    for (const [field, messages] of Object.entries(problem.errors || {}))
      text += `\n${field ? field + ": " : ""}${[].concat(messages).join(" ")}`;
  } catch { /* not JSON: the status line says enough */ }
  return text;
}

// Answers to a request made with an earlier key are dropped (as a stale error) so they never reach the page.
let keyGeneration = 0;
class StaleAnswer extends Error {}

async function api(path, options = {}) {
  const generation = keyGeneration;
  const headers = { Authorization: `Bearer ${apiKey}`, ...(options.headers || {}) };
  const response = await fetch("/api/v1" + path, { ...options, headers });
  if (generation !== keyGeneration) throw new StaleAnswer(path);
  if (!response.ok) {
    const error = new Error(await problemText(response));
    error.status = response.status;
    if (generation !== keyGeneration) throw new StaleAnswer(path);
    throw error;
  }
  const body = response.status === 204 ? null : await response.json();
  if (generation !== keyGeneration) throw new StaleAnswer(path);
  return body;
}

const postJson = (path, body) =>
  api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function button(text, enabled, action) {
  const b = el("button", text);
  b.type = "button";
  b.disabled = !enabled;
  b.addEventListener("click", event => { event.stopPropagation(); action(); });
  return b;
}

/** Draws a part only when its data changed since it was last drawn. */
function changed(part, data) {
  const json = JSON.stringify(data);
  if (drawn[part] === json) return false;
  drawn[part] = json;
  return true;
}

function time(iso) { return iso ? new Date(iso).toLocaleString() : ""; }

// ---- campaigns ------------------------------------------------------------------------------

function progressOf(campaign) {
  const counts = campaign.counts || {};
  const total = counts.total || 0;
  const waiting = (counts.Created || 0) + (counts.Queued || 0) + (counts.Running || 0);
  const done = total - waiting;
  return { total, done, percent: total ? Math.floor(100 * done / total) : 0 };
}

function countsText(campaign) {
  const counts = campaign.counts || {};
  const parts = ["Queued", "Running", "Completed", "Failed", "Canceled"]
    .filter(s => counts[s]).map(s => `${s} ${counts[s]}`);
  const outcomes = Object.entries(campaign.outcomes || {}).map(([k, v]) => `${k} ${v}`);
  return [`total ${counts.total || 0}`, ...parts].join(" · ") + (outcomes.length ? ` (${outcomes.join(", ")})` : "");
}

// Said beside the table rather than in the status line, which every poll rewrites.
function actionStatus(text, isError) {
  $("actionStatus").textContent = text;
  $("actionStatus").classList.toggle("error", !!isError);
}

async function transition(campaign, action) {
  try {
    const after = await api(`/campaigns/${encodeURIComponent(campaign.campaignId)}/${action}`, { method: "POST" });
    actionStatus(`Campaign ${campaign.name} is ${after.status}.`);
  } catch (e) {
    if (e instanceof StaleAnswer) return;
    actionStatus(`Campaign ${campaign.name}: ${action} refused: ${e.message}`, true);
  }
  refresh();
}

function campaignRow(campaign) {
  const tr = el("tr");
  tr.dataset.campaignId = campaign.campaignId;
  if (campaign.campaignId === selectedCampaign) tr.classList.add("selected");
  tr.append(el("td", campaign.name), el("td", campaign.status, "status"));

  const { total, done, percent } = progressOf(campaign);
  const bar = el("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  bar.setAttribute("aria-label", `${campaign.name}: ${done} of ${total} calls done`);
  const progress = el("td");
  progress.append(bar, " ", el("span", `${done} / ${total} (${percent} %)`, "percent"));
  tr.append(progress, el("td", countsText(campaign), "counts"));

  const actions = el("div", null, "buttons");
  const live = campaign.status === "Active" || campaign.status === "Paused";
  actions.append(
    button("Pause", campaign.status === "Active", () => transition(campaign, "pause")),
    button("Resume", campaign.status === "Paused", () => transition(campaign, "resume")),
    button("Cancel", live, () => transition(campaign, "cancel")));
  const cell = el("td");
  cell.append(actions);
  tr.append(cell);
  tr.addEventListener("click", () => selectCampaign(campaign.campaignId));
  return tr;
}

// The API lists campaigns oldest first; the operator wants the newest, so read the last page and turn it round.
async function refreshCampaigns() {
  const take = 100;
  let page = await api(`/campaigns?take=${take}`);
  if (page.total > take) page = await api(`/campaigns?take=${take}&skip=${page.total - take}`);
  if (!changed("campaigns", [page, selectedCampaign])) return;
  $("campaigns").replaceChildren(...[...page.items].reverse().map(campaignRow));
  if (page.items.length === 0) {
    const tr = el("tr");
    const td = el("td", "No campaigns yet.", "hint");
    td.colSpan = 5;
    tr.append(td);
    $("campaigns").append(tr);
  }
}

function selectCampaign(campaignId) {
  selectedCampaign = campaignId;
  callsSkip = 0;
  selectedResult = null;
  $("transcript").replaceChildren();
  $("transcriptOf").textContent = "";
  refresh();
}

// ---- queue ----------------------------------------------------------------------------------

const callsPerPage = 100;
let callsSkip = 0;

async function refreshCalls() {
  const query = new URLSearchParams({ take: String(callsPerPage), skip: String(callsSkip) });
  if (selectedCampaign) query.set("campaignId", selectedCampaign);
  if ($("queueStatus").value) query.set("status", $("queueStatus").value);
  const page = await api("/calls?" + query);
  $("queueScope").textContent = selectedCampaign ? "(the selected campaign)" : "(all calls)";
  $("showAll").disabled = !selectedCampaign;
  if (!changed("calls", page)) return;
  $("calls").replaceChildren(...page.items.map(call => {
    const tr = el("tr");
    tr.dataset.callId = call.callId;
    tr.append(el("td", call.endpoint), el("td", call.status, "status"), el("td", `${call.attempts} / ${call.maxAttempts}`),
      el("td", call.lastOutcome || call.cancelReason || ""), el("td", call.status === "Queued" ? time(call.nextScheduleTime) : ""));
    tr.addEventListener("click", () => selectResult(call.callId));
    return tr;
  }));
  $("callsTotal").textContent = page.total
    ? `${callsSkip + 1}–${callsSkip + page.items.length} of ${page.total}.` : "No calls.";
  $("earlierCalls").disabled = callsSkip === 0;
  $("laterCalls").disabled = callsSkip + page.items.length >= page.total;
}

// ---- results and transcripts ----------------------------------------------------------------

async function refreshResults() {
  const search = { page: 0, size: 50, sortField: "completedTime", sortDirection: "desc" };
  if (selectedCampaign) search.campaignId = selectedCampaign;
  const page = await postJson("/callresults/search", search);
  if (!changed("results", [page, selectedResult])) return;
  $("results").replaceChildren(...page.results.map(row => {
    const li = el("li");
    li.dataset.callId = row.callId;
    if (row.callId === selectedResult) li.classList.add("selected");
    const reason = row.result && row.result.finishReason ? `, ${row.result.finishReason}` : "";
    li.append(el("strong", row.endpoint || row.callType), ` ${row.callStatus}${reason}`,
      el("span", row.completedTime ? ` · ${Math.round(row.durationSeconds)} s · ${time(row.completedTime)}` : "", "hint"));
    li.addEventListener("click", () => selectResult(row.callId));
    return li;
  }));
}

function selectResult(callId) {
  selectedResult = callId;
  delete drawn.transcript;
  refresh();
}

async function refreshTranscript() {
  if (!selectedResult) return;
  let row;
  try {
    row = await api(`/callresults/${encodeURIComponent(selectedResult)}`);
  } catch (e) {
    if (e.status !== 404) throw e;
    row = null;
  }
  if (!changed("transcript", row)) return;
  $("transcriptOf").textContent = row ? `(${row.endpoint || row.callId}, ${row.callStatus})` : "";
  const lines = row ? row.transcription || [] : [];
  $("transcript").replaceChildren(...lines.map(line => {
    const li = el("li", null, line.speaker);
    li.append(el("strong", line.speaker + ": "), line.text);
    return li;
  }));
  if (lines.length === 0) $("transcript").append(el("li", row ? "No transcript yet." : "No result yet.", "hint"));
}

// ---- polling and the key --------------------------------------------------------------------

// One refresh at a time; a request for one while another runs (a click, a poll) runs once right after it.
async function refresh() {
  if (!apiKey) return;
  if (refreshing) { refreshAgain = true; return; }
  refreshing = true;
  try {
    await refreshCampaigns();
    await refreshCalls();
    await refreshResults();
    await refreshTranscript();
    status(`Connected. Updated ${new Date().toLocaleTimeString()}.`);
  } catch (e) {
    if (!(e instanceof StaleAnswer))
      status(e.status === 401 ? "The API key was refused (401)." : `Could not refresh: ${e.message}`, true);
  } finally {
    refreshing = false;
  }
  if (refreshAgain) { refreshAgain = false; refresh(); }
}

async function loadAgents() {
  const page = await api("/agents?take=1000");
  $("agent").replaceChildren(...page.items.map(agent => {
    const option = el("option", `${agent.name}${agent.isEnabled === false ? " (disabled)" : ""}`);
    option.value = agent.agentId;
    return option;
  }));
}

// A new key starts from an empty page: nothing read with the previous key stays on show.
async function useKey(key) {
  apiKey = key;
  keyGeneration++;
  clearInterval(timer);
  Object.keys(drawn).forEach(k => delete drawn[k]);
  selectedCampaign = selectedResult = null;
  for (const part of ["agent", "campaigns", "calls", "results", "transcript", "callsTotal", "transcriptOf", "queueScope", "actionStatus"])
    $(part).replaceChildren();
  if (!apiKey) {
    sessionStorage.removeItem(keyName);
    status("No key yet.");
    return;
  }
  try {
    await loadAgents();
  } catch (e) {
    if (e instanceof StaleAnswer) return; // another key was typed meanwhile: its own useKey carries on
    sessionStorage.removeItem(keyName);
    status(e.status === 401 ? "The API key was refused (401)." : `Could not load agents: ${e.message}`, true);
    return;
  }
  sessionStorage.setItem(keyName, apiKey);
  timer = setInterval(refresh, pollMs);
  await refresh();
}

$("keyForm").addEventListener("submit", event => {
  event.preventDefault();
  useKey($("apiKey").value.trim());
});

$("forgetKey").addEventListener("click", () => {
  $("apiKey").value = "";
  useKey("");
});

$("queueStatus").addEventListener("change", () => { callsSkip = 0; refresh(); });
$("earlierCalls").addEventListener("click", () => { callsSkip = Math.max(0, callsSkip - callsPerPage); refresh(); });
$("laterCalls").addEventListener("click", () => { callsSkip += callsPerPage; refresh(); });
$("showAll").addEventListener("click", () => selectCampaign(null));

// A campaign is created first (JSON), then its calls are appended from the file as text/csv, streamed
// by the server; a bad row is refused with its line number and nothing of the file is added.
$("newCampaign").addEventListener("submit", async event => {
  event.preventDefault();
  if (!apiKey) { createStatus("Type the API key first.", true); return; }
  const file = $("csvFile").files[0];
  if (!file) { createStatus("Choose a CSV file.", true); return; }
  const request = { name: $("campaignName").value.trim(), agentId: $("agent").value, concurrency: Number($("concurrency").value) };
  if ($("cpsLimit").value) request.cpsLimit = Number($("cpsLimit").value);
  $("create").disabled = true;
  let campaign = null;
  try {
    createStatus("Creating the campaign…");
    campaign = await postJson("/campaigns", request);
    createStatus(`Uploading ${file.name}…`);
    const appended = await api(`/campaigns/${encodeURIComponent(campaign.campaignId)}/calls`,
      { method: "POST", headers: { "Content-Type": "text/csv" }, body: file });
    createStatus(`Campaign ${campaign.name}: ${appended.added} calls added.`);
    $("newCampaign").reset();
    selectedCampaign = campaign.campaignId;
  } catch (e) {
    if (!campaign) createStatus(`Not created: ${e.message}`, true);
    else {
      // The refused file added nothing: cancel the empty campaign rather than leave it Active with no calls.
      const canceled = await api(`/campaigns/${encodeURIComponent(campaign.campaignId)}/cancel`, { method: "POST" })
        .then(() => true, () => false);
      createStatus(`The file was refused, nothing was added${canceled ? " and the empty campaign was canceled" : ""}: ${e.message}`, true);
    }
  } finally {
    $("create").disabled = false;
    refresh();
  }
});

if (apiKey) {
  $("apiKey").value = apiKey;
  useKey(apiKey);
}
