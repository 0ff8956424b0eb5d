import { api, download, objectUrl } from './api.js';
import { $, h, page, showError, clearError, bytes, when, note } from './ui.js';

await page();
let pageNo = 1;
const pageSize = 48;
const typeWords = { HEADSHOT: 'Headshot', BACKGROUND: 'Background', SCENE_IMAGE: 'Scene image', VIDEO: 'Video', LORA_MODEL: 'LoRA model' };

// A newer load (a filter changed, a page turned) wins over an older one that answers late.
let loadRun = 0;
async function load() {
  const run = ++loadRun;
  clearError();
  const grid = $('#asset-grid');
  const type = $('#type-filter').value, folder = $('#folder-filter').value.trim();
  try {
    const result = await api(`/assets?page=${pageNo}&pageSize=${pageSize}${type ? `&type=${type}` : ''}${folder ? `&folder=${encodeURIComponent(folder)}` : ''}`);
    if (run !== loadRun) return;
    grid.replaceChildren(...(result.items.length ? result.items.map(tile) : [h('li', { class: 'empty' }, 'Nothing here yet.')]));
    const pages = Math.max(1, Math.ceil(result.total / pageSize));
    $('#page-label').textContent = `Page ${pageNo} of ${pages} (${result.total} assets)`;
    $('#prev').disabled = pageNo <= 1;
    $('#next').disabled = pageNo >= pages;
    if (location.hash) document.getElementById(location.hash.slice(1))?.classList.add('highlight');
  } catch (e) { if (run === loadRun) showError(e); }
  grid.removeAttribute('aria-busy');
}

function tile(a) {
  const li = h('li', { class: 'tile asset', id: a.id, dataset: { name: a.name } });
  const preview = a.mediaType.startsWith('image/') ? h('img', { alt: a.name }) : h('div', { class: 'thumb placeholder' }, a.mediaType.split('/')[1] || 'file');
  if (preview.tagName === 'IMG') objectUrl(`/assets/${a.id}/content`).then(u => { preview.src = u; }).catch(() => { preview.alt = `${a.name} (could not load)`; });
  const origin = [
    a.sourceJobId ? h('a', { href: `/studio/jobs/${a.sourceJobId}` }, 'made by a job') : 'uploaded',
    a.identityId ? h('a', { href: `/studio/identities/${a.identityId}` }, ' · of an identity') : null,
  ];
  const edit = h('form', { class: 'edit' },
    h('label', { for: `name-${a.id}` }, 'Name'), h('input', { id: `name-${a.id}`, value: a.name, required: true }),
    h('label', { for: `folder-${a.id}` }, 'Folder'), h('input', { id: `folder-${a.id}`, value: a.folder }),
    h('button', { type: 'submit' }, 'Save'));
  edit.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      await api(`/assets/${a.id}`, { method: 'PUT', json: { name: edit.querySelector(`#name-${a.id}`).value.trim(), folder: edit.querySelector(`#folder-${a.id}`).value.trim() } });
      await load();
    } catch (err) { showError(err); }
  });
  const provenance = h('details', { class: 'provenance' }, h('summary', {}, 'Provenance'));
  provenance.addEventListener('toggle', async () => {
    if (!provenance.open || provenance.dataset.loaded) return;
    provenance.dataset.loaded = '1';
    try {
      const p = await api(`/assets/${a.id}/provenance`);
      provenance.append(h('dl', { class: 'report' },
        h('dt', {}, 'Made by'), h('dd', {}, `${p.tool} ${p.toolVersion}, ${p.operation}, ${when(p.created)}`),
        h('dt', {}, 'Inputs'), h('dd', {}, Object.entries(p.inputSha256).map(([k, v]) => `${k} ${v.slice(0, 12)}…`).join(' · ') || '–'),
        h('dt', {}, 'Models'), h('dd', {}, Object.keys(p.modelSha256).join(', ') || '–'),
        h('dt', {}, 'Parameters'), h('dd', {}, Object.entries(p.parameters).map(([k, v]) => `${k}=${v}`).join(' · ') || '–')));
    } catch (e) { provenance.append(h('p', { class: 'meta' }, e.detail || e.message)); }
  });
  const actions = h('div', { class: 'row' },
    h('button', { type: 'button', onclick: () => download(`/assets/${a.id}/content`, a.name).catch(showError) }, 'Download'),
    a.type === 'HEADSHOT' ? h('a', { class: 'button', href: `/studio/compose?person=${a.id}` }, 'Compose') : null,
    a.type === 'BACKGROUND' ? h('a', { class: 'button', href: `/studio/compose?scene=${a.id}` }, 'Use as scene') : null,
    h('button', { type: 'button', class: 'danger', onclick: () => remove(a) }, 'Delete'));
  li.append(preview, h('strong', {}, a.name),
    h('span', { class: 'meta' }, `${typeWords[a.type] || a.type}${a.folder ? ` · ${a.folder}` : ''} · ${a.width ? `${a.width}×${a.height} · ` : ''}${bytes(a.size)} · ${when(a.createdAt)}`),
    h('span', { class: 'meta' }, ...origin),
    h('details', {}, h('summary', {}, 'Rename or move'), edit), provenance, actions);
  return li;
}

async function remove(a) {
  if (!confirm(`Delete ${a.name}?`)) return;
  try { await api(`/assets/${a.id}`, { method: 'DELETE' }); await load(); } catch (e) { showError(e); }
}

$('#upload-form').addEventListener('submit', async e => {
  e.preventDefault();
  clearError();
  const file = $('#upload-file').files[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('type', $('#upload-type').value);
  if ($('#upload-folder').value.trim()) form.append('folder', $('#upload-folder').value.trim());
  try {
    const asset = await api('/assets', { method: 'POST', form });
    e.target.reset();
    note($('#page-error'), `${asset.name} uploaded.`);
    await load();
  } catch (err) { showError(err); }
});
$('#apply-filter').addEventListener('click', () => { pageNo = 1; load(); });
$('#folder-filter').addEventListener('keydown', e => { if (e.key === 'Enter') { pageNo = 1; load(); } });
$('#type-filter').addEventListener('change', () => { pageNo = 1; load(); });
$('#prev').addEventListener('click', () => { pageNo--; load(); });
$('#next').addEventListener('click', () => { pageNo++; load(); });
load();
