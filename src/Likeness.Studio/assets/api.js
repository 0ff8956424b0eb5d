// The studio's only way to the server: the public REST API with the bearer token from this tab's session storage.
const KEY = 'likeness.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: t => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A problem details answer (or an unreachable server), in words a person can act on. */
export class ApiError extends Error {
  constructor(status, title, detail, problem = {}) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.problem = problem;
  }
}

export function signInAgain() {
  token.clear();
  const next = location.pathname + location.search;
  location.assign('/studio/signin?next=' + encodeURIComponent(next));
}

async function problemOf(res) {
  let p = {};
  try { p = await res.json(); } catch { /* not JSON: use the status line */ }
  let detail = p.detail || '';
  if (p.errors && typeof p.errors === 'object') {
    const fields = Object.entries(p.errors).map(([field, messages]) => `${field} ${[].concat(messages).join('; ')}`);
    detail = [detail === p.title ? '' : detail, ...fields].filter(Boolean).join('. ');
  }
  return new ApiError(res.status, p.title || `${res.status} ${res.statusText}`, detail, p);
}

/**
 * Calls the API. `json` sends a JSON body, `form` a FormData; `raw` returns the Response (for downloads).
 * Throws ApiError for anything but 2xx; a 401 sends the user to sign in (except on the sign-in page itself).
 */
export async function api(path, { method = 'GET', json, form, headers = {}, signal, raw = false, quiet401 = false } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const t = token.get();
  if (t) h.Authorization = 'Bearer ' + t;
  let body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  else if (form) body = form;
  let res;
  try {
    res = await fetch(path, { method, headers: h, body, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'The server cannot be reached', 'check that `likeness serve` is still running, then try again');
  }
  if (res.status === 401 && !quiet401) { signInAgain(); throw await problemOf(res); }
  if (!res.ok) throw await problemOf(res);
  if (raw) return res;
  if (res.status === 204 || res.status === 202 && !(res.headers.get('content-type') || '').includes('json')) return null;
  return (res.headers.get('content-type') || '').includes('json') ? res.json() : res.text();
}

/** An object URL of an authorised download (images cannot send a bearer header themselves). */
export async function objectUrl(path, signal) {
  const res = await api(path, { raw: true, signal, headers: { Accept: '*/*' } });
  return URL.createObjectURL(await res.blob());
}

/** Saves an authorised download under the server's file name (or the fallback). */
export async function download(path, fallbackName) {
  const res = await api(path, { raw: true, headers: { Accept: '*/*' } });
  const disposition = res.headers.get('content-disposition') || '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/**
 * A job's Server-Sent Events (GET /jobs/{id}/events), read with fetch so the bearer header can be sent
 * (EventSource cannot). Yields {id, event, data}; resumes after a dropped connection from the last id.
 */
export async function* jobEvents(jobId, signal) {
  let lastId = '';
  for (let tries = 0; tries < 20 && !signal?.aborted; tries++) {
    let res;
    try {
      res = await api(`/jobs/${jobId}/events`, { raw: true, signal, headers: { Accept: 'text/event-stream', ...(lastId ? { 'Last-Event-ID': lastId } : {}) } });
    } catch (e) {
      if (e.name === 'AbortError' || (e instanceof ApiError && e.status >= 400 && e.status < 500)) throw e;
      await new Promise(r => setTimeout(r, 1000));
      continue;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return; // the server closes the stream when the job has ended
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const message = { id: '', event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'id') message.id = val;
            else if (field === 'event') message.event = val;
            else if (field === 'data') message.data += val;
          }
          if (!message.data) continue;
          lastId = message.id || lastId;
          try { message.data = JSON.parse(message.data); } catch { /* keep the text */ }
          yield message;
        }
      }
    } catch (e) {
      if (e.name === 'AbortError' || signal?.aborted) return;
      // connection dropped: resume from lastId
    }
  }
}

/** Waits for a job to end, reporting progress (0..1) and the latest event; returns the final job. */
export async function followJob(jobId, onProgress, signal) {
  for await (const e of jobEvents(jobId, signal)) {
    const p = e.data?.jobProgress ?? (e.event === 'job' ? e.data?.progress : undefined);
    onProgress?.(p, e);
  }
  return api(`/jobs/${jobId}`, { signal });
}
