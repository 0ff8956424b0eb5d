import { api } from './api.js';
import { $, h, page, showError, usd, when } from './ui.js';

await page();
try {
  const o = await api('/providers');
  const b = o.budget;
  $('#budget').replaceChildren(
    h('dt', {}, 'Spent'), h('dd', { id: 'spent' }, usd(b.spentThisMonthUsd)),
    h('dt', {}, 'Monthly limit'), h('dd', {}, b.monthlyLimitUsd == null ? 'none set (Likeness:Providers:Budget:DefaultMonthlyUsd)' : usd(b.monthlyLimitUsd)),
    h('dt', {}, 'Left'), h('dd', { id: 'left' }, b.leftUsd == null ? 'unlimited' : usd(b.leftUsd)));
  $('#provider-rows').replaceChildren(...o.providers.map(p => {
    const health = p.health;
    const healthy = health.circuit === 'closed' && !health.rateLimitedUntil;
    return h('tr', { dataset: { provider: p.name } },
      h('th', { scope: 'row' }, p.displayName),
      h('td', {}, p.configured ? 'yes' : h('span', {}, 'no: ', h('code', {}, p.configurationHint || ''))),
      h('td', {}, !p.configured ? h('span', { class: 'badge' }, 'not set up')
        : h('span', { class: `badge ${healthy ? 'succeeded' : 'failed'}` }, healthy ? 'healthy' : `breaker ${health.circuit}`),
        health.rateLimitedUntil ? ` rate-limited until ${when(health.rateLimitedUntil)}` : '',
        health.lastFailure ? h('div', { class: 'meta' }, `last failure ${when(health.lastFailureAt)}: ${health.lastFailure}`) : ''),
      h('td', {}, `${usd(p.spentThisMonthUsd)} · ${p.callsThisMonth} call${p.callsThisMonth === 1 ? '' : 's'}`));
  }));
  $('#day-rows').replaceChildren(...(o.days.length ? o.days.map(d => h('tr', {},
    h('td', {}, d.day), h('td', {}, d.provider), h('td', {}, d.calls), h('td', {}, d.failed), h('td', {}, usd(d.usd))))
    : [h('tr', {}, h('td', { colspan: '5', class: 'empty' }, 'No provider calls in the last 30 days.'))]));
} catch (e) { showError(e); }
