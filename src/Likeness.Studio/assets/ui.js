// Small DOM helpers shared by the studio pages, and the page frame (who is signed in, sign out).
import { api, token, ApiError, objectUrl } from './api.js';

/** h('p', {class: 'x', onclick}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const $ = sel => document.querySelector(sel);

/** Shows an error in words in `where` (default: the page's alert area). */
export function showError(e, where = $('#page-error')) {
  if (e?.name === 'AbortError') return;
  console.error(e);
  const title = e instanceof ApiError ? e.title : 'Something went wrong';
  const detail = e instanceof ApiError ? e.detail : (e?.message || String(e));
  where.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('strong', {}, title), detail ? h('p', {}, detail) : null));
  where.querySelector('.error')?.scrollIntoView?.({ block: 'nearest' });
}

export function clearError(where = $('#page-error')) { where.replaceChildren(); }

export function note(where, text, kind = 'ok') {
  where.replaceChildren(h('div', { class: `note ${kind}`, role: 'status' }, text));
}

/** A labelled progress bar element with a `set(fraction, text)` method. */
export function progressBar(label) {
  const bar = h('progress', { max: '1', value: '0', 'aria-label': label });
  const text = h('span', { class: 'progress-text' }, 'queued');
  const wrap = h('div', { class: 'progress' }, bar, text);
  wrap.set = (fraction, words) => {
    if (typeof fraction === 'number') bar.value = Math.max(0, Math.min(1, fraction));
    text.textContent = words ?? `${Math.round(bar.value * 100)} %`;
  };
  return wrap;
}

/** Loads an authorised image into <img>. */
export async function loadImage(img, path) {
  try {
    const url = await objectUrl(path);
    if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
    img.dataset.url = url;
    img.src = url;
  } catch (e) {
    img.alt = `${img.alt || 'image'} (could not load: ${e.message})`;
  }
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const pct = x => (x === null || x === undefined) ? '–' : `${Math.round(x * 100)} %`;
export const num = (x, digits = 2) => (x === null || x === undefined) ? '–' : Number(x).toFixed(digits);
export const usd = x => `$${Number(x || 0).toFixed(2)}`;
export const bytes = n => n > 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} kB`;

/** The frame every signed-in page shares: redirects to sign-in without a token, shows the user, wires sign-out. */
export async function page() {
  if (!token.get()) {
    location.assign('/studio/signin?next=' + encodeURIComponent(location.pathname + location.search));
    return new Promise(() => {});
  }
  const current = document.body.dataset.page;
  for (const a of document.querySelectorAll('[data-nav]')) {
    const mine = a.dataset.nav === current || (current === 'identity' && a.dataset.nav === 'identities') || (current === 'job' && a.dataset.nav === 'jobs');
    if (mine) a.setAttribute('aria-current', 'page');
  }
  $('#sign-out')?.addEventListener('click', () => { token.clear(); location.assign('/studio/signin'); });
  try {
    const me = await api('/me');
    $('#who').textContent = `Signed in as ${me.name}`;
    return me;
  } catch (e) {
    showError(e);
    throw e;
  }
}

export const statusWords = {
  queued: 'Queued', running: 'Running', succeeded: 'Done', failed: 'Failed', canceled: 'Canceled', skipped: 'Skipped',
};

export function statusBadge(status) {
  return h('span', { class: `badge ${status}` }, statusWords[status] || status);
}
