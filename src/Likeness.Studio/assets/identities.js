import { api } from './api.js';
import { $, h, page, showError, clearError, loadImage } from './ui.js';

const me = await page();
$('#attested-by').value = me.name;

async function load() {
  const list = $('#identity-list');
  try {
    const items = await api('/identities?pageSize=200');
    list.replaceChildren(...(items.length === 0
      ? [h('li', { class: 'empty' }, 'No identities yet: create one, then drop in a few photos of the person.')]
      : items.map(card)));
  } catch (e) { showError(e); }
  list.removeAttribute('aria-busy');
}

function card(i) {
  const img = h('img', { alt: `${i.name}, front view`, class: 'thumb' });
  const front = i.views.find(v => v.angle === 'front');
  if (front) loadImage(img, `/identities/${i.id}/views/front`);
  const accepted = i.photos.filter(p => p.checkPassed).length;
  return h('li', { class: 'card' },
    h('a', { href: `/studio/identities/${i.id}` },
      front ? img : h('div', { class: 'thumb placeholder', 'aria-hidden': 'true' }, i.name.slice(0, 1).toUpperCase()),
      h('strong', {}, i.name)),
    h('span', { class: `badge ${i.status}` }, i.status),
    h('span', { class: 'meta' }, `${accepted} photo${accepted === 1 ? '' : 's'}, ${i.views.length} view${i.views.length === 1 ? '' : 's'}`));
}

$('#new-identity').addEventListener('submit', async e => {
  e.preventDefault();
  clearError();
  const form = e.target;
  if (!form.reportValidity()) return;
  try {
    const created = await api('/identities', {
      method: 'POST',
      json: {
        name: $('#name').value.trim(),
        consent: { attestedBy: $('#attested-by').value.trim() || me.name, statement: $('#consent-text').textContent.trim() },
      },
    });
    location.assign(`/studio/identities/${created.id}`);
  } catch (err) { showError(err); }
});

load();
