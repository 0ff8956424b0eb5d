import { api, followJob, ApiError } from './api.js';
import { $, h, page, showError, clearError, loadImage, progressBar, num, pct, note, when } from './ui.js';

await page();
const id = location.pathname.split('/').pop();
let identity;
let providersReady = false;

async function load() {
  try {
    identity = await api(`/identities/${id}`);
  } catch (e) {
    showError(e);
    for (const s of document.querySelectorAll('main section')) s.hidden = true;
    $('#identity-name').textContent = 'Identity not found';
    return false;
  }
  document.title = `${identity.name} · Likeness studio`;
  $('#identity-name').textContent = identity.name;
  const status = { none: 'No views yet', preparing: 'Making views…', ready: 'Ready', error: 'Views failed' }[identity.status] || identity.status;
  $('#identity-status').replaceChildren(h('span', { class: `badge ${identity.status}` }, status),
    identity.statusReason ? ` ${identity.statusReason}` : '',
    ` · consent attested by ${identity.consent.attestedBy} on ${when(identity.consent.attestedAt)}`);
  renderPhotos();
  await renderViews();
  return true;
}

function renderPhotos() {
  const grid = $('#photo-grid');
  grid.replaceChildren(...identity.photos.map(p => {
    const img = h('img', { alt: p.fileName });
    loadImage(img, `/identities/${id}/photos/${p.id}/content`);
    return h('li', { class: 'tile' }, img,
      h('span', { class: 'meta' }, `${p.fileName} · ${p.width}×${p.height}`),
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${p.fileName}`, onclick: () => removePhoto(p) }, 'Remove'));
  }));
  if (identity.photos.length === 0) grid.replaceChildren(h('li', { class: 'empty' }, 'No photos yet.'));
}

async function removePhoto(p) {
  if (!confirm(`Remove ${p.fileName}?`)) return;
  try { await api(`/identities/${id}/photos/${p.id}`, { method: 'DELETE' }); await load(); } catch (e) { showError(e); }
}

// ---- Upload with per-photo check results ----
const drop = $('#drop');
const input = $('#photo-input');
drop.addEventListener('click', () => input.click());
drop.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); upload([...e.dataTransfer.files]); });
input.addEventListener('change', () => { upload([...input.files]); input.value = ''; });

async function upload(files) {
  if (files.length === 0) return;
  clearError();
  const out = $('#upload-results');
  const tiles = files.map(f => {
    const img = h('img', { alt: f.name, src: URL.createObjectURL(f) });
    const verdict = h('div', { class: 'verdict' }, 'Checking…');
    const li = h('li', { class: 'tile checking', dataset: { file: f.name } }, img, h('span', { class: 'meta' }, f.name), verdict);
    return { file: f, li, verdict };
  });
  out.replaceChildren(h('h3', {}, `Checking ${files.length} photo${files.length === 1 ? '' : 's'}…`), h('ul', { class: 'grid checks' }, tiles.map(t => t.li)));
  const form = new FormData();
  for (const f of files) form.append('photos', f, f.name);
  let results, stored = false;
  try {
    results = await api(`/identities/${id}/photos`, { method: 'POST', form });
    stored = true;
  } catch (e) {
    if (!(e instanceof ApiError) || !Array.isArray(e.problem?.photos)) { out.replaceChildren(); return showError(e); }
    results = e.problem.photos;
  }
  const passed = [];
  results.forEach((r, i) => {
    const t = tiles[i];
    t.li.classList.remove('checking');
    t.li.classList.add(r.accepted ? 'passed' : 'refused');
    if (r.otherPerson) t.li.classList.add('other-person');
    t.verdict.replaceChildren(
      r.accepted ? h('strong', {}, stored ? '✓ Accepted' : '✓ Passed the checks') : h('strong', {}, r.otherPerson ? '⚠ Someone else?' : '✗ Refused'),
      ...(r.reasons.length ? [h('ul', { class: 'reasons' }, r.reasons.map(x => h('li', {}, x)))] : []));
    if (r.accepted) passed.push(t.file);
  });
  const refused = results.length - passed.length;
  const head = stored
    ? h('h3', {}, `${results.length} photo${results.length === 1 ? '' : 's'} added`)
    : h('h3', {}, `${refused} of ${results.length} refused, so none were added`);
  out.firstChild.replaceWith(head);
  if (!stored && passed.length > 0)
    out.append(h('button', { type: 'button', id: 'upload-passed', onclick: () => upload(passed) }, `Add the ${passed.length} that passed`));
  if (stored) {
    // Stored photos appear in the grid below; keep only the headline here.
    out.replaceChildren(h('div', { class: 'note ok', role: 'status' }, head.textContent));
    await load();
  }
}

// ---- Views ----
async function renderViews() {
  const grid = $('#views-grid');
  let views = [], report = null;
  try { views = await api(`/identities/${id}/views`); } catch (e) { showError(e); }
  if (views.length) report = await api(`/identities/${id}/views/report`).catch(() => null);
  const missingWhy = angle => report?.views?.find(v => v.angle === angle)?.missing;
  const order = ['profile-left', 'three-quarter-left', 'front', 'three-quarter-right', 'profile-right'];
  const tiles = order.map(angle => {
    const v = views.find(x => x.angle === angle);
    if (!v) return h('li', { class: 'tile missing', dataset: { angle } }, h('div', { class: 'thumb placeholder', 'aria-hidden': 'true' }, '—'), h('strong', {}, angle),
      h('span', { class: 'meta' }, `not made: ${missingWhy(angle) || 'no photo at this angle'}`));
    const img = h('img', { alt: `${angle} view` });
    loadImage(img, `/identities/${id}/views/${angle}`);
    const source = v.generated ? `generated${v.similarity != null ? `, similarity ${num(v.similarity)}` : ''}` : v.sourcePhoto ? `from ${v.sourcePhoto}` : '';
    return h('li', { class: 'tile', dataset: { angle } }, img, h('strong', {}, angle),
      h('span', { class: 'meta' }, [v.yaw != null ? `yaw ${num(v.yaw, 0)}°` : null, source].filter(Boolean).join(' · ')));
  });
  if (report?.skipped?.length) tiles.push(h('li', { class: 'tile-wide meta' }, `Left out: ${report.skipped.join('; ')}`));
  const sheet = views.find(v => v.angle === 'sheet');
  grid.replaceChildren(...(views.length === 0 ? [h('li', { class: 'empty' }, 'No views yet: add photos, then make the views.')] : tiles));
  if (sheet) {
    const a = h('button', { type: 'button', class: 'link', onclick: async () => { const w = h('img', { alt: 'Contact sheet', class: 'sheet' }); grid.after(w); await loadImage(w, `/identities/${id}/views/sheet`); a.remove(); } }, 'Show the contact sheet');
    grid.append(h('li', { class: 'tile-wide' }, a));
  }
}

async function makeViews(body) {
  clearError();
  const out = $('#views-job');
  try {
    const job = await api(`/identities/${id}/views`, { method: 'POST', json: body });
    const bar = progressBar('Making the views');
    out.replaceChildren(h('p', {}, 'Making the views… ', h('a', { href: `/studio/jobs/${job.id}` }, 'the job')), bar);
    $('#make-views').disabled = true;
    const done = await followJob(job.id, (p, e) => bar.set(p, e.data?.step ? `${e.data.step} ${pct(e.data.progress)}` : undefined));
    if (done.status === 'succeeded') note(out, 'The views are ready.');
    else showError(new ApiError(0, `Making the views ${done.status}`, done.error || ''), out);
  } catch (e) { showError(e, out); }
  $('#make-views').disabled = false;
  await load();
}
$('#make-views').addEventListener('click', () => makeViews({ matting: $('#views-matting').value }));
$('#generate-views').addEventListener('click', () => makeViews({ matting: $('#views-matting').value, generate: 'missing' }));

// ---- LoRA and panel ----
async function renderLora() {
  const box = $('#lora');
  try {
    const lora = await api(`/identities/${id}/lora`);
    const parts = [h('p', {}, `Status: ${lora.status}`,
      lora.current ? ` · version ${lora.current.version} (trigger word “${lora.current.triggerWord}”)` : '',
      lora.estimate ? ` · training costs about $${num(lora.estimate.estimatedUsd)} on ${lora.estimate.provider}` : '')];
    if (!providersReady) parts.push(h('p', { class: 'hint' }, 'Training needs a provider (see Providers).'));
    else if (lora.estimate && !lora.estimate.enoughPhotos) parts.push(h('p', { class: 'hint' }, 'Training needs at least 3 accepted photos.'));
    else parts.push(h('button', { type: 'button', onclick: () => startJob(`/identities/${id}/lora`, 'Training the LoRA') }, 'Train a LoRA'));
    if (lora.current) parts.push(h('button', { type: 'button', onclick: () => startJob(`/identities/${id}/panel`, 'Running the test panel') }, 'Run the test panel'));
    if (lora.current?.hasPanel) {
      const panel = await api(`/identities/${id}/panel`);
      parts.push(h('table', {}, h('caption', {}, `Test panel: ${panel.passed} of ${panel.total} passed, mean similarity ${num(panel.meanSimilarity)}`),
        h('thead', {}, h('tr', {}, ['Test', 'Result', 'Similarity', 'Verdict'].map(c => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, panel.results.map(r => h('tr', {}, h('td', {}, r.test), h('td', {}, r.passed ? 'passed' : 'failed'), h('td', {}, num(r.similarity)), h('td', {}, r.verdict))))));
    }
    box.replaceChildren(...parts);
  } catch (e) { showError(e, box); }
}

async function startJob(path, words) {
  const box = $('#lora');
  try {
    const job = await api(path, { method: 'POST', json: {} });
    const bar = progressBar(words);
    box.prepend(h('p', {}, `${words}… `, h('a', { href: `/studio/jobs/${job.id}` }, 'the job')), bar);
    const done = await followJob(job.id, p => bar.set(p));
    if (done.status !== 'succeeded') showError(new ApiError(0, `${words}: ${done.status}`, done.error || ''), box);
    else await renderLora();
  } catch (e) { showError(e, box); }
}

$('#delete-identity').addEventListener('click', async () => {
  if (!confirm(`Delete ${identity?.name ?? 'this identity'} and every image made from it? This cannot be undone.`)) return;
  try { await api(`/identities/${id}`, { method: 'DELETE' }); location.assign('/'); } catch (e) { showError(e); }
});

try {
  const providers = await api('/providers');
  providersReady = providers.providers.some(p => p.configured);
} catch { providersReady = false; }
$('#generate-views').disabled = !providersReady;
if (await load()) renderLora();
