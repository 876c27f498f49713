// The dashboard: one view at a time, chosen by the address's #fragment; a login dialog keeps the API's
// credentials for this tab.
import { forget, loggedIn, remember, who, whenUnauthorized } from './api.js';
import * as events from './views/events.js';
import * as health from './views/health.js';
import * as nat from './views/nat.js';
import * as rules from './views/rules.js';
import * as topology from './views/topology.js';
import * as usage from './views/usage.js';

const VIEWS = { topology, nat, usage, rules, health, events };
let shown = null;

function render() {
  const name = (location.hash || '#topology').slice(1);
  const view = VIEWS[name] || topology;
  if (shown) {
    shown.unmount();
  }
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.view === name));
  shown = view;
  document.title = 'natflow: ' + view.title;
  view.mount(document.getElementById('view'));
}

function status() {
  const signedIn = loggedIn();
  document.getElementById('who').textContent = signedIn ? 'signed in (' + who() + ')' : 'not signed in: reads of rules and mappings need credentials';
  document.getElementById('login-button').hidden = signedIn;
  document.getElementById('logout-button').hidden = !signedIn;
}

const dialog = document.getElementById('login');
function askLogin() {
  if (!dialog.open) {
    document.getElementById('login-error').textContent = '';
    dialog.showModal();
  }
}

document.getElementById('login-form').addEventListener('submit', async e => {
  e.preventDefault();
  const token = document.getElementById('login-token').value.trim();
  const user = document.getElementById('login-user').value.trim();
  const password = document.getElementById('login-password').value;
  if (!token && !user) {
    document.getElementById('login-error').textContent = 'a token, or a user and password';
    return;
  }
  remember(token, user, password);
  // A read that needs credentials tells whether they are good (a natflow without NAT answers 404: good too).
  const probe = await fetch('/api/v1/nat/sessions/search?limit=1',
    { headers: { Authorization: sessionStorage.getItem('natflow.auth') } }).catch(() => null);
  if (!probe || probe.status === 401 || probe.status === 403) {
    forget();
    document.getElementById('login-error').textContent = 'not accepted';
    return;
  }
  document.getElementById('login-token').value = '';
  document.getElementById('login-password').value = '';
  dialog.close();
  status();
  render();
});
document.getElementById('login-cancel').addEventListener('click', () => dialog.close());
document.getElementById('login-button').addEventListener('click', askLogin);
document.getElementById('logout-button').addEventListener('click', () => { forget(); status(); render(); });
whenUnauthorized(askLogin);
window.addEventListener('hashchange', render);
status();
render();
if (!loggedIn()) {
  askLogin();
}
