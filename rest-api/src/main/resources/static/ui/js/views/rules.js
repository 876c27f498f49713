// Rules: forwards, static NAT, relays, intercepts, DHCP reservations, VPN peers, and the proxy's and the
// transparent proxy's policies: listed, created, edited and deleted through the API, whose validation errors are
// shown at the field they name.
import { api } from '../api.js';
import { el, fill, table } from '../dom.js';

export const title = 'Rules';

const list = (name, label, hint) => ({ name, label, type: 'list', hint });
const text = (name, label, hint) => ({ name, label, hint });
const number = (name, label) => ({ name, label, type: 'number' });
const check = (name, label) => ({ name, label, type: 'checkbox' });
const choice = (name, label, options) => ({ name, label, type: 'select', options });

const KINDS = [
  { key: 'forwards', title: 'Port forwards', path: '/api/v1/port-forwards', editable: true,
    fields: [choice('protocol', 'Protocol', ['tcp', 'udp']), text('publicAddress', 'Public address', 'first pool address'),
      number('publicPort', 'Public port'), number('publicPortEnd', 'Last public port'),
      text('insideAddress', 'Inside address'), number('insidePort', 'Inside port'),
      list('allowedSources', 'Allowed sources', 'CIDRs, comma-separated; empty: everyone'),
      text('description', 'Description'), check('enabled', 'Enabled')],
    columns: [['id', r => r.id], ['protocol', r => r.protocol],
      ['public', r => r.publicAddress + ':' + r.publicPort + (r.publicPortEnd && r.publicPortEnd !== r.publicPort ? '-' + r.publicPortEnd : '')],
      ['inside', r => r.insideAddress + ':' + r.insidePort], ['sources', r => (r.allowedSources || []).join(', ')],
      ['by', r => r.source || ''], ['enabled', r => String(r.enabled)], ['description', r => r.description || '']] },
  { key: 'static-nat', title: 'Static NAT', path: '/api/v1/static-nat', editable: true,
    fields: [text('publicAddress', 'Public address'), text('insideAddress', 'Inside address'),
      text('via', 'Via (pool address)', 'the border owning it'), list('allowedSources', 'Allowed sources'),
      text('description', 'Description'), check('enabled', 'Enabled')],
    columns: [['id', r => r.id], ['public', r => r.publicAddress], ['inside', r => r.insideAddress], ['via', r => r.via || ''],
      ['sources', r => (r.allowedSources || []).join(', ')], ['enabled', r => String(r.enabled)],
      ['description', r => r.description || '']] },
  { key: 'relays', title: 'Relays', path: '/api/v1/relays', editable: false,
    fields: [choice('protocol', 'Protocol', ['udp', 'tcp']), text('publicAddress', 'Public address'),
      { name: 'legs', label: 'Legs (JSON)', type: 'json', hint: '[{"publicPort":7000,"allowedSource":"198.51.100.7"},...]' },
      number('idleTimeout', 'Idle timeout (s)'), text('description', 'Description')],
    columns: [['id', r => r.id], ['protocol', r => r.protocol], ['public', r => r.publicAddress || ''],
      ['legs', r => JSON.stringify(r.legs || [])], ['description', r => r.description || '']] },
  { key: 'intercepts', title: 'Intercepts', path: '/api/v1/intercepts', editable: true,
    fields: [list('sources', 'Inside sources', 'CIDRs'), list('destinations', 'Destinations', 'CIDRs; empty: any'),
      list('ports', 'Ports', '80, 443, 8000-8080'), choice('fallback', 'Fallback', ['', 'napt', 'refuse']),
      text('description', 'Description'), check('enabled', 'Enabled')],
    columns: [['id', r => r.id], ['sources', r => (r.sources || []).join(', ')],
      ['destinations', r => (r.destinations || []).join(', ')], ['ports', r => (r.ports || []).join(', ')],
      ['enabled', r => String(r.enabled)], ['description', r => r.description || '']] },
  { key: 'dhcp', title: 'DHCP reservations', path: '/api/v1/dhcp/reservations', editable: true,
    fields: [text('mac', 'MAC'), text('address', 'Address'), text('hostname', 'Host name'), text('description', 'Description')],
    columns: [['id', r => r.id], ['MAC', r => r.mac], ['address', r => r.address], ['host name', r => r.hostname || ''],
      ['description', r => r.description || '']] },
  { key: 'vpn', title: 'VPN peers', path: '/api/v1/vpn/peers', editable: false,
    fields: [text('name', 'Name'), text('publicKey', 'Public key', 'empty: natflow makes a key pair'),
      list('allowedSources', 'Allowed sources')],
    columns: [['id', r => r.id], ['name', r => r.name], ['address', r => r.address || ''],
      ['public key', r => r.publicKey || '']] },
  { key: 'proxy-policy', title: 'Proxy policy', path: '/api/v1/proxy/policy', single: true },
  { key: 'intercept-policy', title: 'Intercept policy', path: '/api/v1/intercepts/policy', single: true },
];

let current = KINDS[0];

function input(f, value) {
  const id = 'rule-' + f.name;
  let control;
  if (f.type === 'select') {
    control = el('select', { name: f.name, id }, f.options.map(o => el('option', { value: o, selected: o === value }, o || '(default)')));
  } else if (f.type === 'checkbox') {
    control = el('input', { type: 'checkbox', name: f.name, id, checked: value === undefined ? true : !!value });
  } else if (f.type === 'json') {
    control = el('textarea', { name: f.name, id, placeholder: f.hint || '' }, value === undefined ? '' : JSON.stringify(value));
  } else {
    const shown = value === undefined || value === null ? '' : (Array.isArray(value) ? value.join(', ') : value);
    control = el('input', { name: f.name, id, type: f.type === 'number' ? 'number' : 'text', value: shown,
      placeholder: f.hint || '' });
  }
  return el('label', { 'data-field': f.name }, f.label, control, el('span', { class: 'field-error', id: 'error-' + f.name }));
}

function body(form, kind) {
  const b = {};
  for (const f of kind.fields) {
    const c = form.elements[f.name];
    if (f.type === 'checkbox') {
      b[f.name] = c.checked;
    } else if (f.type === 'number') {
      if (c.value !== '') {
        b[f.name] = Number(c.value);
      }
    } else if (f.type === 'list') {
      const items = c.value.split(',').map(s => s.trim()).filter(s => s);
      if (items.length) {
        b[f.name] = items;
      }
    } else if (f.type === 'json') {
      if (c.value.trim()) {
        b[f.name] = JSON.parse(c.value);
      }
    } else if (c.value.trim() !== '') {
      b[f.name] = c.value.trim();
    }
  }
  return b;
}

/** Shows an API error at the field it names (its first part: legs[0].publicPort is legs), else on the form. */
function showError(form, e) {
  const field = e.field ? String(e.field).split(/[.[]/)[0] : null;
  const at = field && form.querySelector('#error-' + CSS.escape(field));
  if (at) {
    at.textContent = e.message;
    form.elements[field].classList.add('invalid');
  } else {
    form.querySelector('#rule-form-error').textContent = e.message;
  }
}

function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach(x => { x.textContent = ''; });
  form.querySelectorAll('.invalid').forEach(x => x.classList.remove('invalid'));
  form.querySelector('#rule-form-error').textContent = '';
}

async function showCollection(root, kind, editing) {
  const area = root.querySelector('#rules-area');
  let rows = [];
  try {
    rows = await api(kind.path);
  } catch (e) {
    fill(area, el('p', { class: 'error' }, e.message));
    return;
  }
  const form = el('form', { class: 'rule', id: 'rule-form', novalidate: true },
    kind.fields.map(f => input(f, editing ? editing[f.name] : undefined)),
    el('div', {}, el('button', { type: 'submit', class: 'primary', id: 'rule-save' }, editing ? 'Save ' + editing.id : 'Create'),
      ' ', editing ? el('button', { type: 'button', onclick: () => showCollection(root, kind, null) }, 'Cancel') : null,
      el('p', { class: 'error', id: 'rule-form-error', role: 'alert' })));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    clearErrors(form);
    let b;
    try {
      b = body(form, kind);
    } catch (e) {
      form.querySelector('#rule-form-error').textContent = 'not JSON: ' + e.message;
      return;
    }
    try {
      const made = await api(editing ? kind.path + '/' + editing.id : kind.path, editing ? 'PUT' : 'POST', b);
      await showCollection(root, kind, null);
      if (made && made.config) {
        // A VPN peer's wg-quick configuration, with the private key natflow made: shown this once, never stored.
        root.querySelector('#rules-area').prepend(el('section', { class: 'card', id: 'client-config' },
          el('h2', {}, 'Configuration for ' + made.name + ' (shown once: copy it now)'),
          el('textarea', { readonly: true, rows: 12 }, made.config)));
      }
    } catch (e) {
      showError(form, e);
    }
  });
  const actions = r => el('span', {},
    kind.editable ? el('button', { type: 'button', class: 'edit', onclick: () => showCollection(root, kind, r) }, 'Edit') : null, ' ',
    el('button', { type: 'button', class: 'delete', onclick: async () => {
      if (!confirm('Delete ' + kind.title.toLowerCase() + ' ' + r.id + '?')) {
        return;
      }
      try {
        await api(kind.path + '/' + r.id, 'DELETE');
        showCollection(root, kind, null);
      } catch (e) {
        alert(e.message);
      }
    } }, 'Delete'));
  fill(area, el('h2', {}, (editing ? 'Edit ' : 'New ') + kind.title.toLowerCase().replace(/s$/, '')), form,
    el('h2', {}, kind.title + ' (' + rows.length + ')'),
    table(kind.columns.concat([['', actions]]), rows, { id: 'rules-table' }));
}

async function showSingle(root, kind) {
  const area = root.querySelector('#rules-area');
  let doc;
  try {
    doc = await api(kind.path);
  } catch (e) {
    fill(area, el('p', { class: 'error' }, e.message));
    return;
  }
  const editor = el('textarea', { id: 'policy-json', name: 'policy' }, JSON.stringify(doc, null, 2));
  const error = el('p', { class: 'error', id: 'rule-form-error', role: 'alert' });
  const saved = el('span', { class: 'ok', id: 'policy-saved' });
  fill(area, el('h2', {}, kind.title), el('p', { class: 'hint' }, 'The whole document, as PUT ' + kind.path + ' takes it.'),
    editor, el('button', { type: 'button', class: 'primary', id: 'policy-save', onclick: async () => {
      error.textContent = '';
      saved.textContent = '';
      let b;
      try {
        b = JSON.parse(editor.value);
      } catch (e) {
        error.textContent = 'not JSON: ' + e.message;
        return;
      }
      try {
        const now = await api(kind.path, 'PUT', b);
        editor.value = JSON.stringify(now, null, 2);
        saved.textContent = 'saved';
      } catch (e) {
        error.textContent = (e.field ? e.field + ': ' : '') + e.message;
      }
    } }, 'Save'), ' ', saved, error);
}

function show(root, kind) {
  current = kind;
  root.querySelectorAll('.tabs button').forEach(b => b.classList.toggle('active', b.dataset.kind === kind.key));
  return kind.single ? showSingle(root, kind) : showCollection(root, kind, null);
}

export function mount(root) {
  fill(root, el('h1', {}, 'Rules'), el('section', { class: 'card' },
    el('div', { class: 'tabs' }, KINDS.map(k => el('button', { type: 'button', 'data-kind': k.key, id: 'rules-tab-' + k.key,
      onclick: () => show(root, k) }, k.title))),
    el('div', { id: 'rules-area' })));
  show(root, current);
}

export function unmount() {}
