import { api, followJob, objectUrl, download, ApiError } from './api.js';
import { $, h, page, showError, clearError, progressBar, pct, num } from './ui.js';
import { PlacementCanvas } from './placement.js';

await page();
const params = new URLSearchParams(location.search);
const canvas = new PlacementCanvas($('#canvas'), onMoved);
let sceneUrl = null, personUrl = null, resultUrl = null, preview = null, resultAssetId = null, showingBefore = false;
// Each choice change starts a new preview; only the latest one may show its answer. Two boxes ticked in a row send
// two previews, and the first (refused: two people) could come back last and wipe the second's placement.
let previewRun = 0;

// ---- choices ----
async function fillAssets(select, type, selected) {
  const page = await api(`/assets?type=${type}&pageSize=200`);
  const keep = select.options[0];
  select.replaceChildren(keep, ...page.items.filter(a => a.mediaType.startsWith('image/')).map(a => h('option', { value: a.id }, `${a.name}${a.folder ? ` (${a.folder})` : ''}`)));
  if (selected) select.value = selected;
}

async function fillIdentityPhotos() {
  const identities = await api('/identities?pageSize=200');
  const select = $('#identity-photo');
  for (const i of identities)
    for (const p of i.photos) select.append(h('option', { value: `${i.id}/${p.id}`, dataset: { name: p.fileName } }, `${i.name}: ${p.fileName}`));
}

async function uploadAsset(file, type) {
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('type', type);
  form.append('folder', 'studio');
  return api('/assets', { method: 'POST', form });
}

function bgKind() { return document.querySelector('input[name="bg-kind"]:checked').value; }

/** An upload field that stores the file as an asset of `type` and selects it in `select`. */
function uploadInto(input, select, type) {
  input.addEventListener('change', async e => {
    const file = e.target.files[0];
    if (!file) return;
    clearError();
    try {
      const asset = await uploadAsset(file, type);
      await fillAssets(select, type, asset.id);
      await choicesChanged();
    } catch (err) { showError(err); }
    e.target.value = '';
  });
}
uploadInto($('#person-upload'), $('#person'), 'HEADSHOT');
uploadInto($('#scene-upload'), $('#scene'), 'BACKGROUND');

$('#identity-photo').addEventListener('change', async e => {
  const choice = e.target.value;
  if (!choice) return;
  clearError();
  try {
    const [identityId, photoId] = choice.split('/');
    const res = await api(`/identities/${identityId}/photos/${photoId}/content`, { raw: true, headers: { Accept: '*/*' } });
    const name = e.target.selectedOptions[0].dataset.name;
    const asset = await uploadAsset(new File([await res.blob()], name, { type: res.headers.get('content-type') }), 'HEADSHOT');
    await fillAssets($('#person'), 'HEADSHOT', asset.id);
    e.target.value = '';
    await choicesChanged();
  } catch (err) { showError(err); }
});

for (const radio of document.querySelectorAll('input[name="bg-kind"]'))
  radio.addEventListener('change', () => {
    $('#scene-pick').hidden = bgKind() !== 'scene';
    $('#colour-pick').hidden = bgKind() !== 'colour';
    choicesChanged();
  });
$('#person').addEventListener('change', choicesChanged);
$('#scene').addEventListener('change', choicesChanged);
$('#colour').addEventListener('input', () => { canvas.background = $('#colour').value; canvas.draw(); });

for (const [id, out] of [['harmonize', 'harmonize-value'], ['shadow', 'shadow-value']]) {
  const show = () => { $('#' + out).textContent = Number($('#' + id).value).toFixed(2); };
  $('#' + id).addEventListener('input', show);
  show();
}

// ---- preview and placement ----
function choices() {
  return { matting: $('#matting').value, allowCrop: $('#allow-crop').checked, force: $('#force').checked };
}
for (const id of ['matting', 'allow-crop', 'force']) $('#' + id).addEventListener('change', () => { if ($('#person').value) choicesChanged(); });

async function choicesChanged() {
  previewRun++;
  preview = null;
  $('#preview').disabled = false;
  canvas.clearPerson();
  setPlacementControls(false);
  $('#placement-text').textContent = '';
  const person = $('#person').value;
  try {
    if (bgKind() === 'scene' && $('#scene').value) {
      if (sceneUrl) URL.revokeObjectURL(sceneUrl);
      sceneUrl = await objectUrl(`/assets/${$('#scene').value}/content`);
      await canvas.setScene(sceneUrl);
    } else {
      canvas.setColour($('#colour').value);
    }
    if (person) {
      if (personUrl) URL.revokeObjectURL(personUrl);
      personUrl = await objectUrl(`/assets/${person}/content`);
      if (bgKind() === 'colour' || $('#scene').value) await runPreview();
    }
  } catch (e) { showError(e); }
}

async function runPreview() {
  const run = ++previewRun;
  const stale = () => run !== previewRun;
  clearError();
  const personAssetId = $('#person').value;
  if (!personAssetId) return showError(new ApiError(0, 'No person chosen', 'choose a person photo, upload one, or pick a photo of an identity'));
  const scene = bgKind() === 'scene' ? $('#scene').value : null;
  if (bgKind() === 'scene' && !scene) return showError(new ApiError(0, 'No scene chosen', 'choose or upload a scene image, or switch to a plain colour'));
  $('#preview').disabled = true;
  $('#placement-text').textContent = 'Cutting the person out…';
  try {
    const answer = await api('/compose/preview', { method: 'POST', json: { personAssetId, sceneAssetId: scene, ...choices() } });
    if (stale()) return;
    preview = answer;
    await canvas.setPerson(preview.cutout, preview.cutoutWidth, preview.cutoutHeight, preview.placement);
    if (stale()) return;
    setPlacementControls(!!preview.placement);
    describePlacement(false);
    for (const w of preview.warnings) $('#placement-text').append(h('span', { class: 'warning' }, ' ' + w));
  } catch (e) {
    if (stale()) return;
    $('#placement-text').textContent = '';
    showError(e);
  }
  $('#preview').disabled = false;
}
$('#preview').addEventListener('click', runPreview);

function setPlacementControls(on) {
  for (const id of ['scale', 'rotation', 'auto']) $('#' + id).disabled = !on;
  if (on) { $('#scale').value = canvas.pos.scale; $('#rotation').value = canvas.pos.rotation; }
}

function describePlacement(moved) {
  if (!preview?.placement) { $('#placement-text').textContent = preview ? 'The person keeps their photo framing on the colour.' : ''; return; }
  const p = canvas.pos;
  $('#placement-text').textContent = moved
    ? `Placed by you: centre ${pct(p.x)}, ${pct(p.y)}; height ${pct(p.scale)} of the scene; rotated ${Math.round(p.rotation)}°.`
    : `Automatic placement: ${preview.reason}`;
}

function onMoved() {
  $('#scale').value = canvas.pos.scale;
  $('#rotation').value = canvas.pos.rotation;
  describePlacement(true);
}
$('#scale').addEventListener('input', () => { canvas.update({ scale: Number($('#scale').value) }); describePlacement(true); });
$('#rotation').addEventListener('input', () => { canvas.update({ rotation: Number($('#rotation').value) }); describePlacement(true); });
$('#auto').addEventListener('click', () => { canvas.reset(); setPlacementControls(true); describePlacement(false); });

// ---- run ----
$('#compose-form').addEventListener('submit', async e => {
  e.preventDefault();
  clearError();
  const personAssetId = $('#person').value;
  if (!personAssetId) return showError(new ApiError(0, 'No person chosen', 'choose a person photo, upload one, or pick a photo of an identity'));
  const input = {
    personAssetId,
    harmonize: Number($('#harmonize').value),
    shadow: Number($('#shadow').value),
    folder: 'composites',
    ...choices(),
  };
  if ($('#export').value) input.export = $('#export').value;
  if (bgKind() === 'scene') {
    if (!$('#scene').value) return showError(new ApiError(0, 'No scene chosen', 'choose or upload a scene image, or switch to a plain colour'));
    input.sceneAssetId = $('#scene').value;
    input.placement = canvas.moved ? canvas.placementText() : 'auto';
  } else input.background = $('#colour').value;

  const out = $('#compose-job');
  $('#run').disabled = true;
  $('#result').hidden = true;
  try {
    const job = await api('/compose', { method: 'POST', json: input });
    const bar = progressBar('Composing');
    out.replaceChildren(h('p', {}, 'Composing… ', h('a', { href: `/studio/jobs/${job.id}` }, 'the job')), bar);
    const done = await followJob(job.id, p => bar.set(p));
    if (done.status !== 'succeeded') {
      out.replaceChildren();
      showError(new ApiError(0, `The compose ${done.status}`, done.steps.find(s => s.error)?.error || done.error || ''), out);
    } else {
      out.replaceChildren();
      await showResult(done);
    }
  } catch (err) { showError(err, out); }
  $('#run').disabled = false;
});

async function showResult(job) {
  const step = job.steps[0];
  resultAssetId = step.outputAssetIds[0];
  if (resultUrl) URL.revokeObjectURL(resultUrl);
  resultUrl = await objectUrl(`/assets/${resultAssetId}/content`);
  showingBefore = false;
  $('#result-image').src = resultUrl;
  $('#before-after').textContent = 'Show before';
  $('#before-after').setAttribute('aria-pressed', 'false');
  $('#result-job').href = `/studio/jobs/${job.id}`;
  const r = step.output || {};
  const rows = [
    ['Size', `${r.width} × ${r.height}`],
    ['Face share of the width', pct(r.faceWidthFraction)],
    ['Identity similarity', r.identitySimilarity == null ? '–' : `${num(r.identitySimilarity)} (${r.verified ? 'same person' : 'NOT verified'}${r.identityThreshold != null ? `, threshold ${num(r.identityThreshold)}` : ''})`],
    ['Placement', r.placement ? `${r.placement.method}: ${r.placement.reason}` : 'background replaced'],
    ['Framing', r.framing || '–'],
    ['Matting', r.mattingModel],
  ];
  $('#report').replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { dataset: { key: k } }, v)]),
    ...(r.warnings?.length ? [h('dt', {}, 'Warnings'), h('dd', {}, r.warnings.join(' · '))] : []));
  $('#result').hidden = false;
  $('#result').scrollIntoView({ block: 'nearest' });
}

$('#before-after').addEventListener('click', () => {
  showingBefore = !showingBefore;
  const before = bgKind() === 'scene' ? sceneUrl : personUrl;
  $('#result-image').src = showingBefore ? before : resultUrl;
  $('#result-image').alt = showingBefore ? 'Before: the original' : 'The composed image';
  $('#before-after').textContent = showingBefore ? 'Show after' : 'Show before';
  $('#before-after').setAttribute('aria-pressed', String(showingBefore));
});
$('#download-result').addEventListener('click', async () => {
  try { await download(`/assets/${resultAssetId}/content`, 'composite.png'); } catch (e) { showError(e); }
});

// ---- start ----
try {
  await Promise.all([
    fillAssets($('#person'), 'HEADSHOT', params.get('person')),
    fillAssets($('#scene'), 'BACKGROUND', params.get('scene')),
    fillIdentityPhotos(),
    api('/scenes/export-presets').then(presets => $('#export').append(...presets.map(p => h('option', { value: p.name }, `${p.name} (${p.width}×${p.height})`)))),
  ]);
  if (params.get('person') || params.get('scene')) await choicesChanged();
  else canvas.draw();
} catch (e) { showError(e); }
