/**
 * Child-process entry holding one contender: `contender-worker <id> <flag JSON>`. Each library runs in
 * its own process because in one process they share the JIT: the OpenFeature rows feed `evaluate` the
 * SDK's frozen merged contexts, its inline caches go polymorphic, and the raw row measured 2-3x slower
 * than alone. The parent drives batches over IPC, so rounds stay interleaved across processes.
 */
import { OpenFeature } from '@openfeature/server-sdk';
import type { Contender } from './contender.js';
import { CONTENDERS } from './contenders/index.js';
import type { WorkerReply, WorkerRequest, WorkerSpec } from './contender-protocol.js';
import { makeUserKeys } from './users.js';

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function reply(message: WorkerReply): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/**
 * Times one batch on two clocks. Process CPU time (user + system) is the one the table leads with: while
 * other processes compete for the cores, wall time counts the time we sat descheduled, CPU time does not.
 * It does count GC helper threads, i.e. the collection work a contender's garbage causes.
 */
async function timeBatch(contender: Contender, users: number): Promise<WorkerReply> {
  // A collection before each batch: no batch pays for garbage left by the previous one.
  gc?.();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const hits = await contender.runBatch();
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return { type: 'batch', cpuNs: ((cpu.user + cpu.system) * 1000) / users, wallNs: wallNs / users, hits };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerSpec;
  const factory = CONTENDERS[spec.id];
  if (!factory || !process.send) throw new Error(`contender-worker: unknown contender '${spec.id}' or no IPC channel`);
  const flag = { key: spec.key, percentage: spec.percentage, userKeys: makeUserKeys(spec.users) };
  const contender = await factory(flag);
  if ('skipped' in contender) {
    await reply({ type: 'skipped', name: contender.name, kind: contender.kind, reason: contender.skipped });
    process.exit(0);
  }
  process.on('message', (request: WorkerRequest) => {
    void (async () => {
      try {
        if (request.type === 'batch') {
          await reply(await timeBatch(contender, spec.users));
        } else {
          await contender.close?.();
          await OpenFeature.close();
          process.exit(0);
        }
      } catch (error) {
        await reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
  await reply({ type: 'ready', name: contender.name, kind: contender.kind, expectedPercent: contender.expectedPercent ?? spec.percentage });
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.send) await reply({ type: 'error', message });
  else console.error(message);
  process.exit(1);
});
