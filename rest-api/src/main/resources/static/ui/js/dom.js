// Small DOM helpers: elements from tags, attributes and children; tables from rows.

/** An element: el('td', {class: 'x'}, 'text', child, ...). Text is always text, never HTML. */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.slice(2), v);
    } else if (v === true) {
      e.setAttribute(k, '');
    } else {
      e.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) {
      continue;
    }
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A table of rows: columns are [header, row => cell] pairs. */
export function table(columns, rows, attrs) {
  return el('table', attrs || {},
    el('thead', {}, el('tr', {}, columns.map(([h]) => el('th', {}, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, columns.map(([, f]) => el('td', {}, f(r)))))));
}

/** Empties e and puts children in. */
export function fill(e, ...children) {
  e.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined));
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}
