// NAT: mappings searched by inside and public address and port, protocol and time, a page at a time (the table
// may hold millions: the API pages them); the conntrack datapath's port blocks.
import { api } from '../api.js';
import { el, fill, table, when } from '../dom.js';

export const title = 'NAT';
const PAGE = 100;
let offset = 0;

function query(form) {
  const q = new URLSearchParams();
  for (const name of ['insideAddress', 'insidePort', 'publicAddress', 'publicPort', 'protocol']) {
    const v = form.elements[name].value.trim();
    if (v) {
      q.set(name, v);
    }
  }
  for (const name of ['createdAfter', 'createdBefore']) {
    const v = form.elements[name].value;
    if (v) {
      q.set(name, new Date(v).toISOString());
    }
  }
  q.set('offset', offset);
  q.set('limit', PAGE);
  return q;
}

async function search(root) {
  const form = root.querySelector('#nat-search');
  const out = root.querySelector('#nat-results');
  form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
  let page;
  try {
    page = await api('/api/v1/nat/sessions/search?' + query(form));
  } catch (e) {
    if (e.field && form.elements[e.field]) {
      form.elements[e.field].classList.add('invalid');
    }
    fill(out, el('p', { class: 'error', id: 'nat-error' }, e.message));
    return;
  }
  const last = Math.min(page.offset + page.sessions.length, page.total);
  fill(out,
    el('div', { class: 'pager' },
      el('button', { type: 'button', id: 'nat-prev', disabled: page.offset === 0,
        onclick: () => { offset = Math.max(0, offset - PAGE); search(root); } }, 'Previous'),
      el('span', { id: 'nat-count' }, page.total === 0 ? 'no mapping matches'
        : (page.offset + 1) + '-' + last + ' of ' + page.total),
      el('button', { type: 'button', id: 'nat-next', disabled: last >= page.total,
        onclick: () => { offset += PAGE; search(root); } }, 'Next')),
    table([['id', s => s.id], ['protocol', s => s.protocol], ['inside', s => s.insideAddress + ':' + s.insidePort],
      ['public', s => s.publicAddress + ':' + s.publicPort], ['created', s => when(s.createdAt)],
      ['border', s => s.dpid], ['packets', s => (s.packets === null ? '' : s.packets)],
      ['bytes', s => (s.bytes === null ? '' : s.bytes)]], page.sessions, { id: 'nat-table' }));
}

async function blocks(root) {
  const out = root.querySelector('#nat-blocks');
  const inside = root.querySelector('#nat-search').elements.insideAddress.value.trim();
  try {
    const b = await api('/api/v1/nat/blocks' + (inside ? '?insideAddress=' + encodeURIComponent(inside) : ''));
    fill(out, el('h2', {}, 'Port blocks (' + b.length + ')'), b.length === 0
      ? el('p', { class: 'muted' }, 'none: the conntrack datapath assigns them')
      : table([['inside', x => x.insideAddress], ['public', x => x.publicAddress],
        ['ports', x => x.firstPort + '-' + x.lastPort], ['border', x => x.dpid],
        ['since', x => when(x.createdAt)]], b));
  } catch (e) {
    fill(out, el('p', { class: 'error' }, e.message));
  }
}

export function mount(root) {
  offset = 0;
  const input = (name, label, attrs) => el('label', {}, label, el('input', Object.assign({ name, id: 'nat-' + name }, attrs)));
  const form = el('form', { id: 'nat-search', class: 'inline',
    onsubmit: e => { e.preventDefault(); offset = 0; search(root); blocks(root); } },
  input('insideAddress', 'Inside address', { placeholder: '10.0.0.11', size: 14 }),
  input('insidePort', 'Inside port', { size: 6 }),
  input('publicAddress', 'Public address', { placeholder: '203.0.113.10', size: 14 }),
  input('publicPort', 'Public port', { size: 6 }),
  el('label', {}, 'Protocol', el('select', { name: 'protocol', id: 'nat-protocol' },
    ['', 'tcp', 'udp', 'icmp'].map(p => el('option', { value: p }, p || 'any')))),
  input('createdAfter', 'Created after', { type: 'datetime-local', step: 1 }),
  input('createdBefore', 'Created before', { type: 'datetime-local', step: 1 }),
  el('button', { type: 'submit', class: 'primary', id: 'nat-submit' }, 'Search'));
  fill(root, el('h1', {}, 'NAT mappings'), el('section', { class: 'card' }, form, el('div', { id: 'nat-results' })),
    el('section', { class: 'card', id: 'nat-blocks' }));
  search(root);
  blocks(root);
}

export function unmount() {}
