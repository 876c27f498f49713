// Port usage per pool address over time: ports in use, in quarantine and free (every 5 s, kept for an hour in this
// tab), hosts paired, and the refusals for quota and pool.
import { api, metricsText } from '../api.js';
import { el, fill, table } from '../dom.js';
import { parse, sum } from '../prometheus.js';

export const title = 'Port usage';
const KEEP = 720;
const history = [];
let timer = null;
let chart = null;

async function sample(root) {
  let pool;
  let samples = [];
  try {
    pool = await api('/api/v1/nat/pool');
    samples = parse(await metricsText());
  } catch (e) {
    fill(root.querySelector('#usage-table'), el('p', { class: 'error' }, e.message));
    return;
  }
  const byAddress = new Map();
  for (const p of pool) {
    const a = byAddress.get(p.address) || { address: p.address, inUse: 0, free: 0, quarantined: 0, hosts: p.hosts };
    a.inUse += p.inUse;
    a.free += p.free;
    a.quarantined += p.quarantined || 0;
    byAddress.set(p.address, a);
  }
  history.push({ t: Date.now(), addresses: [...byAddress.values()],
    quota: sum(samples, 'natflow_nat_refusals_total', { reason: 'quota' }) || 0,
    pool: sum(samples, 'natflow_nat_refusals_total', { reason: 'pool' }) || 0 });
  if (history.length > KEEP) {
    history.shift();
  }
  const series = [];
  for (const a of byAddress.keys()) {
    series.push({ name: a + ' in use', type: 'line', showSymbol: history.length < 30,
      data: history.map(h => [h.t, (h.addresses.find(x => x.address === a) || {}).inUse || 0]) });
  }
  for (const a of byAddress.keys()) {
    series.push({ name: a + ' quarantined', type: 'line', showSymbol: history.length < 30, lineStyle: { type: 'dashed' },
      data: history.map(h => [h.t, (h.addresses.find(x => x.address === a) || {}).quarantined || 0]) });
  }
  series.push({ name: 'quota refusals', type: 'bar', yAxisIndex: 1,
    data: history.map((h, i) => [h.t, i === 0 ? 0 : Math.max(0, h.quota - history[i - 1].quota)]) });
  chart.setOption({ tooltip: { trigger: 'axis' }, legend: { type: 'scroll' },
    xAxis: { type: 'time' }, yAxis: [{ type: 'value', name: 'ports' }, { type: 'value', name: 'refusals' }],
    series }, true);
  const last = history[history.length - 1];
  fill(root.querySelector('#usage-table'),
    el('p', {}, 'Refused since start: ', el('b', {}, last.quota), ' for quota, ', el('b', {}, last.pool),
      ' for want of ports. Free ports include those in quarantine (released, waiting before another host may have them).'),
    table([['pool address', a => a.address], ['in use (all protocols)', a => a.inUse], ['free', a => a.free],
      ['in quarantine', a => a.quarantined], ['hosts paired', a => a.hosts]], last.addresses, { id: 'usage-addresses' }));
}

export function mount(root) {
  fill(root, el('h1', {}, 'Port usage per pool address'),
    el('section', { class: 'card' }, el('div', { id: 'usage-chart', class: 'chart' })),
    el('section', { class: 'card', id: 'usage-table' }, el('p', { class: 'muted' }, 'loading...')));
  chart = echarts.init(root.querySelector('#usage-chart'));
  sample(root);
  timer = setInterval(() => sample(root), 5000);
}

export function unmount() {
  clearInterval(timer);
  if (chart) {
    chart.dispose();
    chart = null;
  }
}
