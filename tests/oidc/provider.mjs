// A real OpenID Provider (panva/oidc-provider, OpenID-certified) for the test suite.
//
// Started by tests/oidc/harness.py (NodeProvider); not for any other use: it accepts any password.
//
// Environment:
//   OIDC_PORT      port on 127.0.0.1; 0 or unset = any free port (the issuer is printed on READY)
//   OIDC_CLIENTS   JSON list of {client_id, client_secret, redirect_uris, post_logout_redirect_uris, ...}
//                  (any further keys are passed through as client metadata, e.g. token_endpoint_auth_method;
//                  the default is client_secret_basic)
//   OIDC_ACCOUNTS  JSON object login -> {name, email, groups: [...]}; accountId (sub) = login
//
// Prints exactly one line `READY <issuer>` on stdout once listening; exits 0 on SIGTERM/SIGINT.
// Diagnostics (provider errors, oidc-provider notices) go to stderr/stdout as ordinary log lines.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

function fail(message) {
  process.stderr.write(`provider.mjs: ${message}\n`);
  process.exit(2);
}

function parseJsonEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return JSON.parse(raw);
  } catch (err) {
    return fail(`${name} is not valid JSON: ${err.message}`);
  }
}

const port = Number.parseInt(process.env.OIDC_PORT || '0', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid OIDC_PORT ${process.env.OIDC_PORT}`);

const clients = parseJsonEnv('OIDC_CLIENTS', []);
if (!Array.isArray(clients)) fail('OIDC_CLIENTS must be a JSON list');
const accounts = parseJsonEnv('OIDC_ACCOUNTS', {});
if (accounts === null || typeof accounts !== 'object' || Array.isArray(accounts)) {
  fail('OIDC_ACCOUNTS must be a JSON object');
}

// Listen first (so OIDC_PORT=0 works without a port race), then build the provider for the real issuer.
const server = http.createServer();
server.keepAliveTimeout = 1000;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

// One fresh RSA signing key per run; the JWKS endpoint publishes its public half.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' };

function findAccount(ctx, id) {
  if (!Object.prototype.hasOwnProperty.call(accounts, id)) {
    // Unknown login: undefined makes the provider show the login form again (and fail the code grant).
    return undefined;
  }
  const account = accounts[id] || {};
  return {
    accountId: id,
    async claims(use, scope) {
      return {
        sub: id,
        name: account.name,
        email: account.email,
        email_verified: account.email ? true : undefined,
        groups: Array.isArray(account.groups) ? account.groups : [],
      };
    },
  };
}

const configuration = {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    post_logout_redirect_uris: [],
    ...client,
  })),
  findAccount,
  // Authorization code flow only (no implicit/hybrid).
  responseTypes: ['code'],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
  // Put the scope-granted claims (groups, name, email) in the ID token too, not only at userinfo.
  conformIdTokenClaims: false,
  // Every client must use PKCE (S256 is the only method oidc-provider supports).
  pkce: { required: () => true },
  jwks: { keys: [signingJwk] },
  cookies: {
    keys: [crypto.randomBytes(32).toString('hex')],
  },
  features: {
    devInteractions: { enabled: true }, // login form (any password) + consent form
    rpInitiatedLogout: { enabled: true }, // end_session_endpoint, post_logout_redirect_uri
    // Off: a test provider needs none of these.
    dPoP: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    resourceIndicators: { enabled: false },
  },
  // No browser JavaScript calls this provider cross-origin.
  clientBasedCORS: () => false,
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 120,
    IdToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
    RefreshToken: 3600,
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    const esc = (v) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    ctx.body = `<!DOCTYPE html><html><head><title>oidc error</title></head><body>${
      Object.entries(out).map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`).join('')
    }</body></html>`;
  },
};

let provider;
try {
  provider = new Provider(issuer, configuration);
} catch (err) {
  fail(`invalid configuration: ${err.stack || err}`);
}
// oidc-provider validates static clients lazily (on first use); validate them now so a bad OIDC_CLIENTS fails
// the start-up with a clear message instead of an error page in the middle of a test.
for (const client of clients) {
  let found;
  try {
    found = await provider.Client.find(String(client.client_id));
  } catch (err) {
    fail(`invalid client ${JSON.stringify(client.client_id)}: ${err.error_description || err.message}`);
  }
  if (!found) fail(`invalid client ${JSON.stringify(client.client_id)}`);
}

// Served directly on 127.0.0.1, never behind a reverse proxy: do not trust X-Forwarded-* headers.
provider.proxy = false;

for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error', 'userinfo.error']) {
  provider.on(event, (ctx, err) => {
    const detail = err && (err.error_description ? `${err.message} (${err.error_description})` : err.message);
    process.stderr.write(`provider.mjs ${event}: ${detail}\n`);
  });
}

// The dev login form accepts any login; an unknown one would only fail later with a server_error (findAccount
// returns undefined). Reject it at the form instead, like a real provider: back to the login form.
// provider.use() middleware runs before oidc-provider's routes; the body we read is handed on via
// ctx.request.body, which oidc-provider's body parser accepts (it prints a one-time notice about it).
async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request entity too large');
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path) && ctx.is('application/x-www-form-urlencoded')) {
    const body = await readForm(ctx.req);
    if (body.prompt === 'login' && !Object.prototype.hasOwnProperty.call(accounts, body.login)) {
      process.stderr.write(`provider.mjs: login rejected, unknown account ${JSON.stringify(body.login)}\n`);
      ctx.status = 303;
      ctx.redirect(ctx.path);
      return;
    }
    ctx.request.body = body;
  }
  await next();
});

server.on('request', provider.callback());

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

process.stdout.write(`READY ${issuer}\n`);
