// Events: NAT events (mappings, blocks, bindings, refusals) as they happen, from GET /api/v1/events.
import { stream } from '../api.js';
import { el, fill } from '../dom.js';

export const title = 'Events';
const KEEP = 500;
let stop = null;

export function mount(root) {
  const body = el('tbody', { id: 'events-body' });
  const state = el('span', { id: 'events-state', class: 'muted' }, 'connecting...');
  const lost = el('span', { id: 'events-lost', class: 'muted' });
  let missed = 0;
  fill(root, el('h1', {}, 'Events'), el('section', { class: 'card' },
    el('p', {}, 'NAT events as they happen (the mapping log\'s records and refusals; natEvent values of IANA\'s registry): ',
      state, ' ', lost),
    el('table', { id: 'events-table' }, el('thead', {}, el('tr', {}, ['time', 'event', 'natEvent', 'protocol', 'inside',
      'public', 'destination', 'ports', 'border', 'detail'].map(h => el('th', {}, h)))), body)));
  stop = stream('/api/v1/events', (name, data) => {
    if (name === 'lost') {
      missed += JSON.parse(data).events;
      lost.textContent = missed + ' missed (the stream was behind)';
      return;
    }
    if (name !== 'nat') {
      return;
    }
    const e = JSON.parse(data);
    body.prepend(el('tr', {}, [new Date(e.time).toLocaleTimeString(), e.event, e.natEvent, e.protocol, e.inside,
      e.outside, e.remote, e.ports, e.dpid, e.name || (e.limit ? 'quota ' + e.limit : '')].map(v => el('td', {}, v ?? ''))));
    while (body.children.length > KEEP) {
      body.lastChild.remove();
    }
  }, s => { state.textContent = s; });
}

export function unmount() {
  if (stop) {
    stop();
    stop = null;
  }
}
