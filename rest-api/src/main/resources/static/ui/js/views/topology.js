// Topology: switches, links, hosts and borders as a graph, live (every 5 s), with the same in tables.
import { api } from '../api.js';
import { el, fill, table } from '../dom.js';

export const title = 'Topology';

let timer = null;
let chart = null;

function graph(t) {
  const nodes = [];
  const links = [];
  for (const s of t.switches) {
    nodes.push({ id: 's:' + s.dpid, name: s.dpid, category: s.border ? 0 : 1, symbol: 'rect', symbolSize: 34,
      label: { show: true, formatter: (s.border ? 'border ' : 'switch ') + s.dpid.slice(-5) } });
    if (s.border) {
      nodes.push({ id: 'up:' + s.dpid, name: 'uplink of ' + s.dpid, category: 3, symbol: 'diamond', symbolSize: 26,
        label: { show: true, formatter: 'public side' } });
      links.push({ source: 's:' + s.dpid, target: 'up:' + s.dpid });
    }
  }
  const seen = new Set();
  for (const l of t.links) {
    const key = [l.src.dpid, l.dst.dpid].sort().join('|');
    if (!seen.has(key)) {
      seen.add(key);
      links.push({ source: 's:' + l.src.dpid, target: 's:' + l.dst.dpid });
    }
  }
  for (const h of t.hosts) {
    const id = 'h:' + h.mac;
    nodes.push({ id, name: h.ip || h.mac, category: 2, symbolSize: 18, label: { show: true, formatter: h.ip || h.mac } });
    if (h.dpid && t.switches.some(s => s.dpid === h.dpid)) {
      links.push({ source: id, target: 's:' + h.dpid });
    }
  }
  return { nodes, links };
}

async function refresh(root) {
  let t;
  try {
    t = await api('/api/v1/topology');
  } catch (e) {
    fill(root.querySelector('#topology-tables'), el('p', { class: 'error' }, e.message));
    return;
  }
  const g = graph(t);
  chart.setOption({
    tooltip: {},
    legend: [{ data: ['border', 'switch', 'host', 'public side'] }],
    series: [{
      type: 'graph', layout: 'force', roam: true, draggable: true, animation: false,
      force: { repulsion: 260, edgeLength: 90 },
      categories: [{ name: 'border' }, { name: 'switch' }, { name: 'host' }, { name: 'public side' }],
      data: g.nodes, links: g.links, lineStyle: { width: 2 },
    }],
  });
  fill(root.querySelector('#topology-tables'),
    el('h2', {}, 'Switches (' + t.switches.length + ')'),
    table([['dpid', s => s.dpid], ['role', s => (s.border ? 'NAT border' : 'switch')],
      ['edge ports', s => (s.edgePorts || []).join(', ')]], t.switches, { id: 'switches-table' }),
    el('h2', {}, 'Hosts (' + t.hosts.length + ')'),
    t.hosts.length === 0 ? el('p', { class: 'muted' }, t.fabric ? 'none learned yet'
      : 'inside hosts appear once they have NAT mappings') : null,
    table([['address', h => h.ip || ''], ['MAC', h => h.mac], ['switch', h => h.dpid || ''], ['port', h => h.port],
      ['border', h => h.border || ''], ['last seen', h => new Date(h.lastSeen).toLocaleTimeString()]], t.hosts,
    { id: 'hosts-table' }),
    t.links.length ? el('h2', {}, 'Links (' + t.links.length + ' directions)') : null,
    t.links.length ? table([['from', l => l.src.dpid + ' port ' + l.src.port],
      ['to', l => l.dst.dpid + ' port ' + l.dst.port]], t.links) : null);
}

export function mount(root) {
  fill(root, el('h1', {}, 'Topology'),
    el('section', { class: 'card' }, el('div', { id: 'topology-graph', class: 'chart tall' })),
    el('section', { class: 'card', id: 'topology-tables' }, el('p', { class: 'muted' }, 'loading...')));
  chart = echarts.init(root.querySelector('#topology-graph'));
  refresh(root);
  timer = setInterval(() => refresh(root), 5000);
}

export function unmount() {
  clearInterval(timer);
  if (chart) {
    chart.dispose();
    chart = null;
  }
}
