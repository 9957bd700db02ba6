import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { measureFlag, RolloutController } from '@aiflags/ai';
import type { FlagSet, PresenceStore, StateStore } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { renderHtmlReport } from '../html-report/render-html-report.js';
import { authorize, writeProblem } from './authorize.js';
import { foreignOriginProblem } from './browser-origin.js';
import { changeKillSwitchFromConsole } from './console-kill-switch.js';
import { loginPage, messagePage } from './console-layout.js';
import { renderConsoleOverview } from './console-overview.js';
import { type ConsolePrincipal, consolePrincipal, SESSION_COOKIE } from './console-principal.js';
import { ConsoleSessions } from './console-sessions.js';
import { csrfToken, csrfValid } from './csrf-token.js';
import { sendHtml } from './http-reply.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { ServeRoute } from './serve-route.js';
import type { ServeToken } from './serve-tokens.js';

export interface ConsoleRouteOptions {
  flags: () => FlagSet | undefined;
  /** Every kill and revive goes through it, so its audit log records it. */
  state: StateStore;
  metrics: MetricStore;
  /** Where instances announce themselves: a change waits for their confirmation. */
  presence?: PresenceStore;
  tokens: readonly ServeToken[];
  /** Who changes are attributed to when the request has no named token (`--actor`, else the OS user). */
  actor: string;
  storeLabel: string;
  /** ms a kill or revive waits for every instance to confirm (default 1000). */
  deliveryWaitMs?: number;
}

/** Largest form body, in bytes: a reason and a token, never a document. */
const MAX_FORM_BYTES = 16 * 1024;
/** Longest kill or revive reason, in characters. */
export const MAX_REASON_CHARS = 500;
const SWITCH_ACTION = /^\/kill-switches\/([^/]+)\/(kill|revive)$/;

/**
 * The web console: `/` lists flags and kill switches, `/flags/<key>` shows the flag's impact report and
 * history, kill and revive are forms (POST, CSRF token bound to the session or token, write token needed
 * when tokens are configured). Browsers sign in at `/login` with a token; scripts send it as a header.
 */
export function consoleRoute(options: ConsoleRouteOptions): ServeRoute {
  const key = randomBytes(32);
  const sessions = new ConsoleSessions();

  function match(path: string): string | undefined {
    if (path === '/' || path === '/login') return path;
    if (path.startsWith('/flags/')) return '/flags/{key}';
    if (path.startsWith('/kill-switches/')) return '/kill-switches/{key}/{action}';
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const post = req.method === 'POST';
    if (!post && req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, POST');
      req.resume();
      return sendHtml(res, 405, messagePage('Not allowed', `${req.method} is not a console method`, 'error'));
    }
    const foreign = foreignOriginProblem(req.headers, options.tokens.length > 0);
    if (foreign !== undefined) {
      req.resume();
      return sendHtml(res, 403, messagePage('Refused', foreign, 'error'));
    }
    if (path === '/login') return post ? login(req, res) : sendHtml(res, 200, loginPage());
    const who = consolePrincipal(req.headers, options.tokens, sessions);
    if (!who.ok) {
      req.resume();
      return sendHtml(res, 401, loginPage(who.details));
    }
    if (path.startsWith('/kill-switches/')) {
      if (!post) return sendHtml(res, 405, messagePage('Not allowed', 'kill and revive take POST from the console form', 'error'));
      return switchAction(req, res, path, who);
    }
    req.resume();
    const set = options.flags();
    if (set === undefined) return sendHtml(res, 503, messagePage('No flags loaded', 'the flag file has not loaded yet', 'error'));
    if (path === '/') return overview(res, set, withSession(res, who));
    return flagPage(res, set, path.slice('/flags/'.length));
  }

  /** The principal, with a new session for a browser of a server without tokens (its CSRF token needs one). */
  function withSession(res: ServerResponse, who: ConsolePrincipal & { ok: true }): ConsolePrincipal & { ok: true } {
    if (who.binding !== undefined) return who;
    const session = sessions.create(undefined, true);
    setSessionCookie(res, session.id);
    return { ...who, binding: `session:${session.id}` };
  }

  function overview(res: ServerResponse, set: FlagSet, who: ConsolePrincipal & { ok: true }): void {
    const rollouts = new RolloutController({ state: options.state, metrics: options.metrics, flags: set }).status();
    const csrf = who.write && who.binding !== undefined ? csrfToken(key, who.binding) : undefined;
    sendHtml(res, 200, renderConsoleOverview({ set, live: options.state.current(), rollouts, csrf, viewer: who.name, storeLabel: options.storeLabel }));
  }

  async function flagPage(res: ServerResponse, set: FlagSet, raw: string): Promise<void> {
    const flagKey = decode(raw);
    const flag = flagKey === undefined ? undefined : set.flags.get(flagKey);
    if (flag === undefined) return sendHtml(res, 404, messagePage('No such flag', `no flag '${(flagKey ?? raw).slice(0, 200)}' in ${set.source}`, 'error'));
    const live = options.state.current().flags[flag.key];
    const { report, verdict } = await measureFlag(options.metrics, flag, { live });
    const history = await options.state.audit.list({ target: flag.key, limit: 1000 });
    const page = renderHtmlReport({ report, verdict, history, generatedAt: new Date().toISOString() });
    sendHtml(res, 200, page.replace('<body>\n', '<body>\n<nav><a href="/">← aiflags console</a></nav>\n'));
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req, res);
    if (form === undefined) return;
    const auth = authorize({ authorization: `Bearer ${form.get('token') ?? ''}` }, options.tokens);
    if (!auth.ok) return sendHtml(res, auth.status, loginPage('That token is not valid for this server.'));
    setSessionCookie(res, sessions.create(auth.name, auth.write).id);
    res.setHeader('location', '/');
    res.writeHead(303).end();
  }

  async function switchAction(req: IncomingMessage, res: ServerResponse, path: string, who: ConsolePrincipal & { ok: true }): Promise<void> {
    const form = await readForm(req, res);
    if (form === undefined) return;
    if (who.binding === undefined || !csrfValid(key, who.binding, form.get('csrf'))) {
      return sendHtml(res, 403, messagePage('Refused', 'missing or wrong CSRF token: reload the console and submit the form again', 'error'));
    }
    const refused = writeProblem({ ok: true, name: who.name, write: who.write });
    if (refused !== undefined) return sendHtml(res, 403, messagePage('Refused', refused, 'error'));
    const set = options.flags();
    const [, raw = '', action] = SWITCH_ACTION.exec(path) ?? [];
    const name = decode(raw);
    if (set === undefined || name === undefined || !set.killSwitches.has(name)) {
      return sendHtml(res, 404, messagePage('No such kill switch', `no kill switch '${(name ?? raw).slice(0, 200)}' in the flag file`, 'error'));
    }
    const reason = (form.get('reason') ?? '').trim();
    if (reason === '' || reason.length > MAX_REASON_CHARS) {
      return sendHtml(res, 400, messagePage('Reason needed', `say why, in 1 to ${MAX_REASON_CHARS} characters; it goes into the audit log`, 'error'));
    }
    const done = await changeKillSwitchFromConsole(
      { state: options.state, ...(options.presence ? { presence: options.presence } : {}), waitMs: options.deliveryWaitMs ?? 1000 },
      { name, killed: action === 'kill', reason, actor: who.name ?? options.actor },
    );
    sendHtml(res, 200, messagePage(action === 'kill' ? 'Killed' : 'Revived', done));
  }

  return { match, handle };
}

/** A form body (application/x-www-form-urlencoded), or undefined after answering 413. */
async function readForm(req: IncomingMessage, res: ServerResponse): Promise<URLSearchParams | undefined> {
  try {
    return new URLSearchParams((await readBody(req, MAX_FORM_BYTES)).toString('utf8'));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.setHeader('connection', 'close');
    sendHtml(res, 413, messagePage('Too large', error.message, 'error'));
    return undefined;
  }
}

function setSessionCookie(res: ServerResponse, id: string): void {
  res.setHeader('set-cookie', `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`);
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
