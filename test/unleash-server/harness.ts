/**
 * A real unleash-server for the Unleash adapter's tests: a database of its own in the local PostgreSQL,
 * the server in a child process on a free port with admin and client tokens set at start, an admin API
 * for seeding, and a clean stop that drops the database.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const serverEntry = join(here, 'node_modules', 'unleash-server', 'dist', 'server.js');

/** Where PostgreSQL is: DATABASE_URL if set, else the local trust-auth server. */
const postgresUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');

export const ADMIN_TOKEN = '*:*.aiflags-admin-secret';
export const CLIENT_TOKEN = 'default:development.aiflags-client-secret';
export const ENVIRONMENT = 'development';
export const PROJECT = 'default';

export interface Availability {
  ok: boolean;
  why?: string;
}

/** Whether the server can run here: PostgreSQL reachable and test/unleash-server installed. */
export function unleashAvailability(): Availability {
  if (!existsSync(serverEntry)) {
    return { ok: false, why: `unleash-server is not installed: run npm ci --prefix test/unleash-server (looked for ${serverEntry})` };
  }
  const probe = psql('SELECT 1');
  if (probe.status !== 0) {
    return { ok: false, why: `PostgreSQL at ${postgresUrl.host} is not reachable: ${probe.stderr.trim() || probe.error?.message}` };
  }
  return { ok: true };
}

/** true when tests needing the server must run (CI) or can run (available here); CI with no server fails loudly. */
export function shouldRunUnleashTests(): boolean {
  const availability = unleashAvailability();
  if (availability.ok) return true;
  if (process.env.CI === 'true') throw new Error(`Unleash integration tests need a real server under CI: ${availability.why}`);
  console.warn(`skipped: the real unleash-server tests, because ${availability.why}; with CI=true they fail instead of skipping`);
  return false;
}

export interface StartOptions {
  /** Log level of the server process (default 'error'). */
  logLevel?: string;
}

export interface UnleashServer {
  /** Base URL of the server, e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  /** The client API URL unleash-client takes (`<base>/api/`). */
  readonly apiUrl: string;
  readonly port: number;
  readonly database: string;
  readonly admin: AdminApi;
  /** How long the last start took until /health answered, in ms. */
  readonly startupMs: number;
  /** Stops the process, keeps the database (to simulate an outage). */
  stopProcess(): Promise<void>;
  /** Starts the process again on the same port and database. */
  startProcess(): Promise<void>;
  /** Stops the process and drops the database. */
  stop(): Promise<void>;
}

/** Creates a fresh database and starts unleash-server on a free port; resolves once /health answers. */
export async function startUnleashServer(options: StartOptions = {}): Promise<UnleashServer> {
  const database = `unleash_test_${randomBytes(5).toString('hex')}`;
  const created = psql(`CREATE DATABASE ${database}`);
  if (created.status !== 0) throw new Error(`createdb ${database} failed: ${created.stderr}`);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let startupMs = 0;
  let output = '';

  const startProcess = async (): Promise<void> => {
    const started = Date.now();
    output = '';
    const proc = spawn(process.execPath, [serverEntry], {
      cwd: here,
      env: serverEnv(database, port, options.logLevel ?? 'error'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    await waitForHealth(baseUrl, proc, () => output);
    startupMs = Date.now() - started;
  };

  const stopProcess = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await startProcess();
  } catch (error) {
    await stopProcess();
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    throw error;
  }

  return {
    baseUrl,
    apiUrl: `${baseUrl}/api/`,
    port,
    database,
    admin: new AdminApi(baseUrl),
    get startupMs() {
      return startupMs;
    },
    stopProcess,
    startProcess,
    async stop() {
      await stopProcess();
      psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

function serverEnv(database: string, port: number, logLevel: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    DATABASE_HOST: postgresUrl.hostname,
    DATABASE_PORT: postgresUrl.port || '5432',
    DATABASE_USERNAME: decodeURIComponent(postgresUrl.username || 'postgres'),
    DATABASE_PASSWORD: decodeURIComponent(postgresUrl.password),
    DATABASE_NAME: database,
    DATABASE_SSL: 'false',
    HTTP_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    UNLEASH_URL: `http://127.0.0.1:${port}`,
    CHECK_VERSION: 'false',
    SEND_TELEMETRY: 'false',
    LOG_LEVEL: logLevel,
    INIT_ADMIN_API_TOKENS: ADMIN_TOKEN,
    INIT_BACKEND_API_TOKENS: CLIENT_TOKEN,
  };
}

async function waitForHealth(baseUrl: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`unleash-server exited during start (code ${proc.exitCode}):\n${output()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`unleash-server did not answer ${baseUrl}/health within 90 s:\n${output()}`);
}

/** A strategy as the admin API takes it (flexibleRollout with strategy variants). */
export interface StrategyInput {
  name: string;
  parameters?: Record<string, string>;
  constraints?: Array<Record<string, unknown>>;
  variants?: Array<Record<string, unknown>>;
  segments?: number[];
  sortOrder?: number;
}

/** Seeding through the real admin API. Errors carry the server's message. */
export class AdminApi {
  private pat: string | undefined;

  constructor(private readonly baseUrl: string) {}

  async createFeature(name: string, type = 'release'): Promise<void> {
    await this.request('POST', `/api/admin/projects/${PROJECT}/features`, { name, type });
  }

  async addStrategy(feature: string, strategy: StrategyInput): Promise<{ id: string }> {
    return (await this.request('POST', `/api/admin/projects/${PROJECT}/features/${feature}/environments/${ENVIRONMENT}/strategies`, strategy)) as {
      id: string;
    };
  }

  async updateStrategy(feature: string, id: string, strategy: StrategyInput): Promise<void> {
    await this.request('PUT', `/api/admin/projects/${PROJECT}/features/${feature}/environments/${ENVIRONMENT}/strategies/${id}`, strategy);
  }

  async setEnabled(feature: string, enabled: boolean): Promise<void> {
    await this.request('POST', `/api/admin/projects/${PROJECT}/features/${feature}/environments/${ENVIRONMENT}/${enabled ? 'on' : 'off'}`);
  }

  async createSegment(name: string, constraints: Array<Record<string, unknown>>): Promise<number> {
    const created = (await this.request('POST', '/api/admin/segments', { name, constraints })) as { id: number };
    return created.id;
  }

  /** Imports Unleash's feature import format (what `exportToUnleash` writes) into the default project. */
  async importFeatures(data: unknown): Promise<void> {
    // The import endpoint refuses admin tokens; a personal access token of the default admin user works.
    const token = await this.personalAccessToken();
    await this.request('POST', '/api/admin/features-batch/import', { project: PROJECT, environment: ENVIRONMENT, data }, token);
  }

  /**
   * Resolves once the client API serves every named feature. The server caches client responses and
   * refreshes the cache a moment after a change, so a client started right after seeding can miss it.
   */
  async waitForClientFeatures(names: readonly string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let missing: string[] = [...names];
    while (Date.now() < deadline) {
      // The same spec header as unleash-client 6: the server memoizes responses per query and revision.
      const response = await fetch(`${this.baseUrl}/api/client/features`, {
        headers: { authorization: CLIENT_TOKEN, 'unleash-client-spec': '5.2.0' },
      });
      if (response.ok) {
        const served = new Set(((await response.json()) as { features: Array<{ name: string }> }).features.map((f) => f.name));
        missing = names.filter((name) => !served.has(name));
        if (missing.length === 0) return;
      }
      await sleep(200);
    }
    throw new Error(`the client API did not serve ${missing.join(', ')} within ${timeoutMs} ms`);
  }

  private async personalAccessToken(): Promise<string> {
    if (this.pat) return this.pat;
    // The login session is stored asynchronously; a request right after login can miss it.
    for (let attempt = 1; ; attempt++) {
      try {
        this.pat = await this.createPersonalAccessToken();
        return this.pat;
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(200 * attempt);
      }
    }
  }

  private async createPersonalAccessToken(): Promise<string> {
    const login = await fetch(`${this.baseUrl}/auth/simple/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'unleash4all' }),
    });
    if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const created = await fetch(`${this.baseUrl}/api/admin/user/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ description: 'aiflags tests', expiresAt: '2099-01-01T00:00:00Z' }),
    });
    if (!created.ok) throw new Error(`creating a personal access token failed: ${created.status} ${await created.text()}`);
    return ((await created.json()) as { secret: string }).secret;
  }

  private async request(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} failed: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

function psql(sql: string) {
  const url = new URL(postgresUrl);
  url.pathname = '/postgres';
  return spawnSync('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8', timeout: 15_000 });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
