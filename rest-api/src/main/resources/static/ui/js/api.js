// The REST API with the credentials of this tab's session (sessionStorage: gone when the tab closes).
const KEY = 'natflow.auth';

/** What an answer other than 2xx said: its status and problem+json (field names the input at fault). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem || {};
    this.field = this.problem.field || null;
  }
}

export function loggedIn() {
  return sessionStorage.getItem(KEY) !== null;
}

export function who() {
  return sessionStorage.getItem(KEY + '.who') || '';
}

/** Keeps a bearer token, or an HTTP Basic user and password, for this tab. */
export function remember(token, user, password) {
  if (token) {
    sessionStorage.setItem(KEY, 'Bearer ' + token);
    sessionStorage.setItem(KEY + '.who', 'token');
  } else {
    sessionStorage.setItem(KEY, 'Basic ' + btoa(unescape(encodeURIComponent(user + ':' + password))));
    sessionStorage.setItem(KEY + '.who', user);
  }
}

export function forget() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY + '.who');
}

function headers(extra) {
  const h = Object.assign({ Accept: 'application/json' }, extra || {});
  const auth = sessionStorage.getItem(KEY);
  if (auth) {
    h.Authorization = auth;
  }
  return h;
}

let onUnauthorized = () => {};
/** What to do when the API asks for credentials (the login dialog). */
export function whenUnauthorized(f) {
  onUnauthorized = f;
}

/** A JSON request; resolves to the body (null for 204), rejects with an ApiError. */
export async function api(path, method = 'GET', body = undefined) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const text = await r.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = { detail: text };
    }
  }
  if (!r.ok) {
    if (r.status === 401) {
      onUnauthorized();
    }
    throw new ApiError(r.status, data);
  }
  return data;
}

/** Prometheus's text format from /actuator/prometheus. */
export async function metricsText() {
  const r = await fetch('/actuator/prometheus', { headers: headers({ Accept: 'text/plain' }) });
  if (!r.ok) {
    throw new ApiError(r.status, null);
  }
  return r.text();
}

/**
 * Server-sent events from path, read with fetch so that the Authorization header goes along (EventSource
 * cannot send one); calls onEvent(name, data) per event. Returns a function that stops reading.
 */
export function stream(path, onEvent, onState) {
  const ctl = new AbortController();
  (async () => {
    try {
      const r = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal: ctl.signal });
      if (!r.ok) {
        if (r.status === 401) {
          onUnauthorized();
        }
        onState('HTTP ' + r.status);
        return;
      }
      onState('live');
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let name = 'message';
      let data = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (data.length) {
              onEvent(name, data.join('\n'));
            }
            name = 'message';
            data = [];
          } else if (line.startsWith('event:')) {
            name = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      }
      onState('ended');
    } catch (e) {
      if (!ctl.signal.aborted) {
        onState('error: ' + e.message);
      }
    }
  })();
  return () => ctl.abort();
}
