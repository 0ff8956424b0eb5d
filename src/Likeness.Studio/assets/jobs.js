import { api, jobEvents, download } from './api.js';
import { $, h, page, showError, clearError, progressBar, statusBadge, when } from './ui.js';

await page();
let pageNo = 1;
const pageSize = 25;
let live = new AbortController();
let refresh = null;
// A browser keeps at most six connections to one server; every followed job holds one open (SSE). Follow a few live and
// poll the list for the rest, so a page full of running jobs never starves the studio's own API calls.
const MaxStreams = 3;
let streams = 0;

const kindWords = {
  compose: 'Compose', 'scene-render': 'Scene render', 'identity-views': 'Views', 'identity-lora': 'LoRA training',
  'identity-panel': 'Test panel', 'identity-cinematic': 'Cinematic', 'identity-pose': 'Pose', theme: 'Theme', swap: 'Face swap',
  generate: 'Generate', duplicate: 'Duplicate',
};

// A newer load (a filter changed, a page turned) wins over an older one that answers late.
let loadRun = 0;
async function load() {
  const run = ++loadRun;
  clearError();
  live.abort();
  live = new AbortController();
  clearTimeout(refresh);
  streams = 0;
  const status = $('#status-filter').value;
  try {
    const result = await api(`/jobs?page=${pageNo}&pageSize=${pageSize}${status ? `&status=${status}` : ''}`);
    if (run !== loadRun) return;
    const rows = result.items.map(row);
    $('#job-rows').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '5', class: 'empty' }, 'No jobs here yet.'))]));
    const pages = Math.max(1, Math.ceil(result.total / pageSize));
    $('#page-label').textContent = `Page ${pageNo} of ${pages} (${result.total} jobs)`;
    $('#prev').disabled = pageNo <= 1;
    $('#next').disabled = pageNo >= pages;
    const active = result.items.filter(j => j.status === 'queued' || j.status === 'running').length;
    if (active > MaxStreams) refresh = setTimeout(load, 3000);
  } catch (e) { if (run === loadRun) showError(e); }
}

function row(job) {
  const bar = progressBar(`Progress of job ${job.id}`);
  bar.set(job.progress, job.status === 'running' || job.status === 'queued' ? undefined : `${Math.round(job.progress * 100)} %`);
  const badge = h('td', {}, statusBadge(job.status));
  const actions = h('td', { class: 'actions' });
  const tr = h('tr', { dataset: { job: job.id, status: job.status } },
    h('td', {}, h('a', { href: `/studio/jobs/${job.id}` }, kindWords[job.kind] || job.kind), h('span', { class: 'meta mono' }, ' ' + job.id.slice(0, 8)),
      job.items ? h('span', { class: 'meta' }, ` · batch of ${job.items.total}`) : null),
    badge, h('td', {}, bar), h('td', {}, when(job.createdAt)), actions);
  const renderActions = status => {
    actions.replaceChildren();
    if (status === 'queued' || status === 'running')
      actions.append(h('button', { type: 'button', onclick: () => act(job.id, 'cancel') }, 'Cancel'));
    if (status === 'failed' || status === 'canceled')
      actions.append(h('button', { type: 'button', onclick: () => act(job.id, 'retry') }, 'Retry'));
    if (status === 'succeeded')
      actions.append(h('button', { type: 'button', onclick: () => download(`/jobs/${job.id}/results`, `${job.kind}-${job.id}.zip`).catch(showError) }, 'Download'));
  };
  renderActions(job.status);
  if ((job.status === 'queued' || job.status === 'running') && streams < MaxStreams) {
    streams++;
    follow(job.id, bar, badge, tr, renderActions);
  }
  return tr;
}

async function follow(id, bar, badge, tr, renderActions) {
  try {
    for await (const e of jobEvents(id, live.signal)) {
      if (e.data?.jobProgress != null) bar.set(e.data.jobProgress);
      if (e.event === 'job') {
        badge.replaceChildren(statusBadge(e.data.status));
        tr.dataset.status = e.data.status;
        renderActions(e.data.status);
        if (e.data.status === 'succeeded') bar.set(1);
        else if (e.data.status !== 'running' && e.data.status !== 'queued') bar.set(undefined, e.data.status);
      }
    }
  } catch (e) { if (e.name !== 'AbortError') showError(e); }
}

async function act(id, what) {
  clearError();
  try { await api(`/jobs/${id}/${what}`, { method: 'POST' }); await load(); } catch (e) { showError(e); }
}

$('#status-filter').addEventListener('change', () => { pageNo = 1; load(); });
$('#refresh').addEventListener('click', load);
$('#prev').addEventListener('click', () => { pageNo--; load(); });
$('#next').addEventListener('click', () => { pageNo++; load(); });
load();
