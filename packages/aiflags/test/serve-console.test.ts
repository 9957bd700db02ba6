import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, resolveRuntime } from '../src/runtime.js';
import { type RunningServe, startServe } from '../src/serve/index.js';

const EVIL = `<script>alert(1)</script>`;

const FLAGS = `
id: serve-console
flags:
  chat-model:
    changeType: model-swap
    description: "swap to the new model ${EVIL.replace(/"/g, '\\"')}"
    variants:
      control: { model: gpt-4o, provider: openai }
      treatment: { model: claude-sonnet-4, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }
  odd.key-1:
    description: "owner <b>&amp;</b> team"
    variants: { a: "x\\" onmouseover=\\"alert(1)", b: "https://evil.example/x.js" }
    defaultVariant: a
    rules:
      - name: "pro <i>users</i>"
        conditions: [{ attribute: plan, op: in, values: [pro] }]
        variant: b
killSwitches:
  ai_agent_enabled:
    description: stops the agent
`;

const writer = { authorization: 'Bearer w-secret' };
const reader = { authorization: 'Bearer r-secret' };

function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token in the page');
  return match[1];
}

/** Every src or href pointing off the server. */
function externalUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]+)/gi)].map((m) => m[1] ?? '');
}

describe('the web console of aiflags serve', () => {
  let dir: string;
  let runtime: Runtime;
  let serve: RunningServe;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-serve-console-'));
    const flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    runtime = await resolveRuntime({ flags: flagsPath }, { AIFLAGS_SERVE_WRITE_TOKEN: 'alice:w-secret', AIFLAGS_SERVE_TOKEN: 'bob:r-secret' });
    serve = await startServe(runtime, { host: '127.0.0.1', port: 0, watch: false, meter: false, actor: 'ops-fallback' });
  });

  afterAll(async () => {
    await serve?.close();
    await runtime?.close();
  });

  async function page(path: string, headers: Record<string, string> = writer): Promise<{ status: number; html: string; res: Response }> {
    const res = await fetch(`${serve.url}${path}`, { headers, redirect: 'manual' });
    return { status: res.status, html: await res.text(), res };
  }

  function form(path: string, fields: Record<string, string>, headers: Record<string, string> = writer): Promise<Response> {
    return fetch(`${serve.url}${path}`, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
  }

  it('GET / lists every flag with its variants, rollout, targeting and live state, and every kill switch', async () => {
    const { status, html, res } = await page('/');
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html).toContain('<tr data-flag="chat-model">');
    expect(html).toContain('<code>treatment</code>: <code>{&#34;model&#34;:&#34;claude-sonnet-4&#34;,&#34;provider&#34;:&#34;anthropic&#34;}</code>');
    expect(html).toContain(
      '5 % <code>treatment</code>, the rest <code>control</code><br>plan <span data-field="plan">1 % → 5 % → 25 % → 50 % → 100 %</span><br>not-started, now 5 %',
    );
    expect(html).toContain('pro &#60;i&#62;users&#60;/i&#62;: <code>{&#34;attribute&#34;:&#34;plan&#34;');
    expect(html).toContain('<tr data-switch="ai_agent_enabled">');
    expect(html).toContain('<td class="on" data-field="state">on</td>');
    expect(html).toContain('signed in as <b>alice</b>');
    expect(html).toContain('action="/kill-switches/ai_agent_enabled/kill"');
  });

  it('escapes every string from the flag file: descriptions, values, rule names', async () => {
    const { html } = await page('/');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>&amp;</b>');
    expect(html).not.toContain('<i>users');
    expect(html).not.toContain('" onmouseover="');
    expect(html).toContain('owner &#60;b&#62;&#38;amp;&#60;/b&#62; team');
    expect(html).toContain('href="/flags/odd.key-1"');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('pages load nothing from elsewhere: no http(s):// or protocol-relative URL in any src, href or action', async () => {
    const pages = [await page('/'), await page('/flags/chat-model'), await page('/flags/odd.key-1'), await page('/login', {}), await page('/', {})];
    for (const p of pages) {
      expect(p.html).toMatch(/^<!doctype html>/);
      expect(externalUrls(p.html)).toEqual([]);
      expect(p.html).not.toMatch(/<script/i);
    }
    // The flag file's value https://evil.example/x.js is shown as text, never as a link.
    expect(pages[0]?.html).toContain('https://evil.example/x.js');
  });

  it("each flag's page is its impact report and history", async () => {
    const { status, html } = await page('/flags/chat-model');
    expect(status).toBe(200);
    expect(html).toContain('Impact report: <code>chat-model</code>');
    expect(html).toContain('<a href="/">← aiflags console</a>');
    expect((await page('/flags/nope')).status).toBe(404);
  });

  it('a kill through the form without the CSRF token is 403 and changes nothing', async () => {
    const before = runtime.state.current().version;
    const none = await form('/kill-switches/ai_agent_enabled/kill', { reason: 'incident 42' });
    expect(none.status).toBe(403);
    const wrong = await form('/kill-switches/ai_agent_enabled/kill', { reason: 'incident 42', csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    // A token from another principal's page is refused too.
    const bobsPage = await page('/', reader);
    expect(bobsPage.html).not.toContain('name="csrf"');
    expect(bobsPage.html).toContain('read only');
    expect(runtime.state.current().version).toBe(before);
    expect(runtime.state.current().killSwitches.ai_agent_enabled?.killed).not.toBe(true);
  });

  it('with the CSRF token it kills, the audit log names the token holder, and the page shows the delivery', async () => {
    const csrf = csrfOf((await page('/')).html);
    const res = await form('/kill-switches/ai_agent_enabled/kill', { reason: `incident 42 ${EVIL}`, csrf });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('killed &#39;ai_agent_enabled&#39; by alice: incident 42 &#60;script&#62;');
    expect(html).toMatch(/Applied by 1 of 1 instance in [\d.]+ ms\./);
    expect(runtime.state.current().killSwitches.ai_agent_enabled).toMatchObject({ killed: true, actor: 'alice' });
    const [entry] = await runtime.state.audit.list({ target: 'ai_agent_enabled', limit: 1 });
    expect(entry).toMatchObject({ action: 'kill', actor: 'alice', reason: `incident 42 ${EVIL}` });

    const after = await page('/');
    expect(after.html).toContain('<td class="killed" data-field="state">killed</td>');
    expect(after.html).toContain('action="/kill-switches/ai_agent_enabled/revive"');
    const revived = await form('/kill-switches/ai_agent_enabled/revive', { reason: 'fixed', csrf: csrfOf(after.html) });
    expect(revived.status).toBe(200);
    expect(runtime.state.current().killSwitches.ai_agent_enabled?.killed).toBe(false);
  });

  it('a read token may not kill even with a CSRF token; a kill needs a reason and a real switch', async () => {
    const signIn = await form('/login', { token: 'r-secret' }, {});
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^aiflags_session=/);
    expect(signIn.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const asBob = await page('/', { cookie });
    expect(asBob.html).toContain('signed in as <b>bob</b>');
    expect(asBob.html).not.toContain('name="csrf"');
    // Bob may only read: no form, and a post with any token he could get hold of is refused.
    const alicesCsrf = csrfOf((await page('/')).html);
    expect((await form('/kill-switches/ai_agent_enabled/kill', { reason: 'r', csrf: alicesCsrf }, { cookie })).status).toBe(403);

    const csrf = alicesCsrf;
    expect((await form('/kill-switches/ai_agent_enabled/kill', { reason: '  ', csrf })).status).toBe(400);
    expect((await form('/kill-switches/no_such/kill', { reason: 'r', csrf })).status).toBe(404);
    expect((await form('/kill-switches/ai_agent_enabled/kill', { reason: 'r', csrf }, { ...writer, origin: 'https://evil.example' })).status).toBe(403);
    expect((await page('/kill-switches/ai_agent_enabled/kill')).status).toBe(405);
  });

  it('a browser signs in with a write token and kills through its session; a wrong token or none gets the sign-in form', async () => {
    expect((await page('/', {})).status).toBe(401);
    expect((await page('/', {})).html).toContain('action="/login"');
    const refused = await form('/login', { token: 'nope' }, {});
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('That token is not valid for this server.');
    const scripted = await page('/', { authorization: 'Bearer nope' });
    expect(scripted.status).toBe(401);
    expect(scripted.html).toContain('the token is not valid for this server');
    const signIn = await form('/login', { token: 'w-secret' }, {});
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = csrfOf((await page('/', { cookie })).html);
    // The token is bound to the session: the one from a page read with the header is worthless here.
    const headerCsrf = csrfOf((await page('/')).html);
    expect(headerCsrf).not.toBe(csrf);
    expect((await form('/kill-switches/ai_agent_enabled/kill', { reason: 'r', csrf: headerCsrf }, { cookie })).status).toBe(403);
    const res = await form('/kill-switches/ai_agent_enabled/kill', { reason: 'from the browser', csrf }, { cookie });
    expect(res.status).toBe(200);
    const [entry] = await runtime.state.audit.list({ target: 'ai_agent_enabled', limit: 1 });
    expect(entry).toMatchObject({ action: 'kill', actor: 'alice', reason: 'from the browser' });
  });
});

describe('the console without tokens (loopback)', () => {
  it('starts a session for the CSRF token and attributes changes to --actor', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-serve-console-open-'));
    const flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    const runtime = await resolveRuntime({ flags: flagsPath }, {});
    const serve = await startServe(runtime, { host: '127.0.0.1', port: 0, watch: false, meter: false, actor: 'carol' });
    try {
      const first = await fetch(`${serve.url}/`);
      const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const csrf = csrfOf(await first.text());
      const post = (headers: Record<string, string>) =>
        fetch(`${serve.url}/kill-switches/ai_agent_enabled/kill`, { method: 'POST', body: new URLSearchParams({ reason: 'load test', csrf }), headers });
      // Without the cookie the token binds to nothing: a page on another site cannot replay it.
      expect((await post({})).status).toBe(403);
      expect((await post({ cookie })).status).toBe(200);
      const [entry] = await runtime.state.audit.list({ target: 'ai_agent_enabled', limit: 1 });
      expect(entry).toMatchObject({ action: 'kill', actor: 'carol', reason: 'load test' });
    } finally {
      await serve.close();
      await runtime.close();
    }
  });

  it('answers only loopback Host names (a DNS-rebinding page gets 403) and refuses a foreign Origin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-serve-console-host-'));
    const flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    const runtime = await resolveRuntime({ flags: flagsPath }, {});
    const serve = await startServe(runtime, { host: '127.0.0.1', port: 0, watch: false, meter: false });
    try {
      const withHost = (path: string, host: string) =>
        new Promise<number>((resolve, reject) => {
          request(`${serve.url}${path}`, { headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on('error', reject)
            .end();
        });
      const port = new URL(serve.url).port;
      expect(await withHost('/', `rebound.evil.example:${port}`)).toBe(403);
      expect(await withHost('/', `localhost:${port}`)).toBe(200);
      expect(await withHost('/', `127.0.0.1:${port}`)).toBe(200);
      const outcome = await fetch(`${serve.url}/v1/outcomes`, {
        method: 'POST',
        body: JSON.stringify({ flag: 'chat-model', variant: 'control' }),
        headers: { origin: 'https://evil.example' },
      });
      expect(outcome.status).toBe(403);
      const own = await fetch(`${serve.url}/v1/outcomes`, { method: 'POST', body: JSON.stringify({ flag: 'chat-model', variant: 'control' }) });
      expect(own.status).toBe(202);
    } finally {
      await serve.close();
      await runtime.close();
    }
  });
});
