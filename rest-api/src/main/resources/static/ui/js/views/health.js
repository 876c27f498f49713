// Health: switches connected, packet-ins and set-ups per second, flow-mod latency p50 and p99, drops and
// refusals, from /actuator/prometheus every 5 s (kept for an hour in this tab).
import { metricsText } from '../api.js';
import { el, fill } from '../dom.js';
import { buckets, parse, quantile, sum } from '../prometheus.js';

export const title = 'Health';
const KEEP = 720;
let points = [];
let previous = null;
let timer = null;
let charts = [];

const COUNTERS = {
  packetIns: ['natflow_packetin_total'],
  setUps: ['natflow_nat_mappings_new_total'],
  drops: ['natflow_packetin_dropped_total'],
  refusals: ['natflow_nat_refusals_total'],
  flowErrors: ['natflow_flowmod_errors_total'],
};

async function sample(root) {
  let samples;
  try {
    samples = parse(await metricsText());
  } catch (e) {
    fill(root.querySelector('#health-now'), el('p', { class: 'error' }, e.message));
    return;
  }
  const now = { t: Date.now(), switches: sum(samples, 'natflow_switches_connected') || 0,
    latency: buckets(samples, 'natflow_flowmod_latency_seconds') };
  for (const [k, [name]] of Object.entries(COUNTERS)) {
    now[k] = sum(samples, name) || 0;
  }
  if (previous) {
    const dt = (now.t - previous.t) / 1000;
    const rate = k => Math.max(0, (now[k] - previous[k]) / dt);
    const p50 = quantile(0.5, previous.latency, now.latency);
    const p99 = quantile(0.99, previous.latency, now.latency);
    points.push({ t: now.t, switches: now.switches, packetIns: rate('packetIns'), setUps: rate('setUps'),
      drops: rate('drops'), refusals: rate('refusals'), flowErrors: rate('flowErrors'),
      p50: p50 === null ? null : p50 * 1e6, p99: p99 === null ? null : p99 * 1e6 });
    if (points.length > KEEP) {
      points.shift();
    }
  }
  previous = now;
  const last = points[points.length - 1] || { switches: now.switches };
  const f = v => (v === null || v === undefined ? '-' : Math.round(v).toLocaleString());
  fill(root.querySelector('#health-now'), el('div', { class: 'stats' },
    el('div', {}, el('div', { class: 'stat', id: 'health-switches' }, now.switches), 'switches connected'),
    el('div', {}, el('div', { class: 'stat' }, f(last.packetIns)), 'packet-ins/s'),
    el('div', {}, el('div', { class: 'stat' }, f(last.setUps)), 'NAT set-ups/s'),
    el('div', {}, el('div', { class: 'stat' }, f(last.p50) + ' / ' + f(last.p99)), 'flow-mod p50 / p99 (us)'),
    el('div', {}, el('div', { class: 'stat' }, f(last.drops)), 'packet-ins dropped/s'),
    el('div', {}, el('div', { class: 'stat' }, f(last.refusals)), 'set-ups refused/s'),
    el('div', {}, el('div', { class: 'stat', id: 'health-samples' }, points.length), 'intervals charted')));
  const line = (name, key) => ({ name, type: 'line', showSymbol: points.length < 30, connectNulls: false,
    data: points.map(p => [p.t, p[key]]) });
  const base = { tooltip: { trigger: 'axis' }, legend: {}, xAxis: { type: 'time' }, yAxis: { type: 'value' } };
  charts[0].setOption(Object.assign({}, base, { series: [line('packet-ins/s', 'packetIns'), line('set-ups/s', 'setUps')] }), true);
  charts[1].setOption(Object.assign({}, base, { yAxis: { type: 'value', name: 'us' },
    series: [line('p50', 'p50'), line('p99', 'p99')] }), true);
  charts[2].setOption(Object.assign({}, base, { series: [line('packet-ins dropped/s', 'drops'),
    line('set-ups refused/s', 'refusals'), line('flow-mod errors/s', 'flowErrors')] }), true);
  charts[3].setOption(Object.assign({}, base, { series: [line('switches connected', 'switches')] }), true);
}

export function mount(root) {
  points = [];
  previous = null;
  const card = (id, name) => el('section', { class: 'card' }, el('h2', {}, name), el('div', { id, class: 'chart' }));
  fill(root, el('h1', {}, 'Health'), el('section', { class: 'card', id: 'health-now' }, el('p', { class: 'muted' }, 'loading...')),
    el('div', { class: 'grid' }, card('health-rates', 'Packet-ins and NAT set-ups'),
      card('health-latency', 'Flow-mod latency (batch to barrier)'), card('health-drops', 'Drops and refusals'),
      card('health-switches-chart', 'Switches connected')));
  charts = ['health-rates', 'health-latency', 'health-drops', 'health-switches-chart']
    .map(id => echarts.init(root.querySelector('#' + id)));
  sample(root);
  timer = setInterval(() => sample(root), 5000);
}

export function unmount() {
  clearInterval(timer);
  charts.forEach(c => c.dispose());
  charts = [];
}
