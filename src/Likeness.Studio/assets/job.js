import { api, jobEvents, download, objectUrl } from './api.js';
import { $, h, page, showError, clearError, progressBar, statusBadge, when, pct } from './ui.js';

await page();
const id = location.pathname.split('/').pop();
let following = false;

async function load() {
  let job;
  try { job = await api(`/jobs/${id}`); } catch (e) { showError(e); $('#job-title').textContent = 'Job not found'; return null; }
  $('#job-title').textContent = `${job.kind} job`;
  $('#job-status').replaceChildren(statusBadge(job.status), ` ${pct(job.progress)} · created ${when(job.createdAt)}`,
    job.finishedAt ? ` · finished ${when(job.finishedAt)}` : '', job.error ? h('span', { class: 'error-text' }, ` · ${job.error}`) : '');
  $('#cancel').hidden = !(job.status === 'queued' || job.status === 'running');
  $('#retry').hidden = !(job.status === 'failed' || job.status === 'canceled');
  $('#download').hidden = job.status !== 'succeeded';
  $('#job-input').textContent = JSON.stringify(job.input, null, 2);
  $('#steps').replaceChildren(...job.steps.map(step));
  if ((job.status === 'queued' || job.status === 'running') && !following) follow();
  return job;
}

function step(s) {
  const bar = progressBar(`Progress of step ${s.name}`);
  bar.set(s.progress);
  const outputs = h('ul', { class: 'grid outputs' }, s.outputAssetIds.map(assetId => {
    const li = h('li', { class: 'tile' }, h('a', { href: `/studio/gallery#${assetId}` }, 'asset ' + assetId.slice(0, 8)));
    objectUrl(`/assets/${assetId}/content`).then(async url => {
      const meta = await api(`/assets/${assetId}`);
      if (meta.mediaType.startsWith('image/')) li.prepend(h('img', { alt: `Output of ${s.name}`, src: url }));
      else if (meta.mediaType.startsWith('video/')) li.prepend(h('video', { src: url, controls: true, preload: 'metadata', 'aria-label': `Video output of ${s.name}` }));
    }).catch(() => {});
    return li;
  }));
  return h('li', { class: 'step', dataset: { step: s.name } },
    h('div', { class: 'row' }, h('strong', {}, s.name), statusBadge(s.status),
      h('span', { class: 'meta' }, `attempt ${s.attempts} of ${s.maxAttempts}${s.costUsd ? ` · $${Number(s.costUsd).toFixed(3)}` : ''}`)),
    bar,
    s.error ? h('p', { class: 'error-text' }, s.error) : null,
    s.nextAttemptAt ? h('p', { class: 'meta' }, `next attempt ${when(s.nextAttemptAt)}`) : null,
    s.outputAssetIds.length ? outputs : null,
    s.output ? h('details', {}, h('summary', {}, 'Step output'), h('pre', { class: 'json' }, JSON.stringify(s.output, null, 2))) : null);
}

async function follow() {
  following = true;
  try {
    for await (const e of jobEvents(id)) {
      if (e.event === 'progress') {
        const bar = document.querySelector(`[data-step="${e.data.step}"] progress`);
        if (bar && e.data.progress != null) bar.value = e.data.progress;
      } else await load();
    }
  } catch (e) { showError(e); }
  following = false;
  await load();
}

async function act(what) {
  clearError();
  try { await api(`/jobs/${id}/${what}`, { method: 'POST' }); await load(); } catch (e) { showError(e); }
}
$('#cancel').addEventListener('click', () => act('cancel'));
$('#retry').addEventListener('click', () => act('retry'));
$('#download').addEventListener('click', () => download(`/jobs/${id}/results`, `job-${id}.zip`).catch(showError));
load();
