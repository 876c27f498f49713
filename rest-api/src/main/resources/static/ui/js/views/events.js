// Events: NAT events (mappings, blocks, bindings, refusals) and natflow's application events as they happen, from
// GET /api/v1/events.
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
  const apps = el('input', { type: 'checkbox', id: 'events-apps', checked: true });
  fill(root, el('h1', {}, 'Events'), el('section', { class: 'card' },
    el('p', {}, 'NAT events as they happen (the mapping log\'s records and refusals; natEvent values of IANA\'s registry)',
      ' and natflow\'s application events: ', state, ' ', lost),
    el('label', {}, apps, ' application events too'),
    el('table', { id: 'events-table' }, el('thead', {}, el('tr', {}, ['time', 'event', 'natEvent', 'protocol', 'inside',
      'public', 'destination', 'ports', 'border', 'detail'].map(h => el('th', {}, h)))), body)));
  stop = stream('/api/v1/events', (name, data) => {
    if (name === 'lost') {
      missed += JSON.parse(data).events;
      lost.textContent = missed + ' missed (the stream was behind)';
      return;
    }
    let cells;
    if (name === 'nat') {
      const e = JSON.parse(data);
      cells = [new Date(e.time).toLocaleTimeString(), e.event, e.natEvent, e.protocol, e.inside, e.outside, e.remote,
        e.ports, e.dpid, e.name || (e.limit ? 'quota ' + e.limit : '')];
    } else if (name === 'app') {
      if (!apps.checked) {
        return;
      }
      const a = JSON.parse(data);
      cells = [new Date(a.time).toLocaleTimeString(), a.event, '', '', '', '', '', '', '',
        a.level + ' ' + a.logger + ': ' + a.message];
    } else {
      return;
    }
    body.prepend(el('tr', { class: name }, cells.map(v => el('td', {}, v ?? ''))));
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
