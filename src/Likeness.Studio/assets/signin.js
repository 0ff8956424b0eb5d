import { api, token, ApiError } from './api.js';
import { $, showError, clearError } from './ui.js';

function nextPath() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  // Only a path on this server: never follow an absolute or protocol-relative URL.
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/studio/signin') ? next : '/';
}

$('#signin-form').addEventListener('submit', async e => {
  e.preventDefault();
  clearError();
  const value = $('#token').value.trim();
  if (!value) return showError(new ApiError(0, 'No token', 'paste the API token printed by `likeness serve` (it starts with lk_)'));
  token.set(value);
  try {
    await api('/me', { quiet401: true });
    location.assign(nextPath());
  } catch (err) {
    token.clear();
    if (err instanceof ApiError && err.status === 401)
      showError(new ApiError(401, 'That token is not known to this server',
        'check you copied the whole token (lk_…); `likeness users token local` prints a new one for the first user'));
    else showError(err);
    $('#signin-button').disabled = false;
$('#token').focus();
  }
});
$('#signin-button').disabled = false;
$('#token').focus();
