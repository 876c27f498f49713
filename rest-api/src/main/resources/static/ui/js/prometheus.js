// Prometheus's text exposition format, as /actuator/prometheus writes it: samples with their labels.

/** Samples: [{name, labels, value}]. */
export function parse(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) {
      continue;
    }
    const labels = {};
    if (m[3]) {
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[l[1]] = l[2];
      }
    }
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

/** The sum of a metric's samples whose labels include those given. */
export function sum(samples, name, labels) {
  let s = 0;
  let found = false;
  for (const x of samples) {
    if (x.name === name && Object.entries(labels || {}).every(([k, v]) => x.labels[k] === v)) {
      s += x.value;
      found = true;
    }
  }
  return found ? s : null;
}

/** Cumulative bucket counts of a histogram: [[le, count]], sorted by le. */
export function buckets(samples, name) {
  const by = new Map();
  for (const x of samples) {
    if (x.name === name + '_bucket') {
      const le = x.labels.le === '+Inf' ? Infinity : Number(x.labels.le);
      by.set(le, (by.get(le) || 0) + x.value);
    }
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * A quantile of what fell into a histogram between two scrapes (differences of cumulative buckets), by linear
 * interpolation within the bucket, as Prometheus's histogram_quantile does; null when nothing fell in.
 */
export function quantile(q, before, after) {
  const prev = new Map(before);
  const d = after.map(([le, c]) => [le, c - (prev.get(le) || 0)]);
  const total = d.length ? d[d.length - 1][1] : 0;
  if (total <= 0) {
    return null;
  }
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, c] of d) {
    if (c >= rank) {
      if (le === Infinity) {
        return lower;
      }
      return lower + (le - lower) * ((rank - below) / Math.max(c - below, 1e-12));
    }
    lower = le;
    below = c;
  }
  return lower;
}
