import type { Command } from 'commander';
import type { InstanceRecord } from '@aiflags/core';
import { readFlagFileBytes, shortHash } from '@aiflags/provider';
import { withRuntime } from '../../runtime.js';
import { action } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';

/** How an instance's flags compare with the flag file on disk. */
type FlagsStatus = 'current' | 'older' | 'rejected-reload' | 'none' | 'unknown';

/** `aiflags instances`: who reads this live-state store, and which live-state and flag versions each serves. */
export function register(program: Command): void {
  program
    .command('instances')
    .description('list the running processes that read this live-state store, with the versions they serve')
    .option('--json', 'one JSON object: store, live-state version, flag-file version, instances')
    .action(
      action(async (opts: { json?: boolean }, command: Command) => {
        const flagsPath = flagsPathFor(command);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const [{ instances, skipped }, fileVersion] = await Promise.all([
            runtime.presence.list(),
            readFlagFileBytes(runtime.flagsPath).then(shortHash, () => undefined),
          ]);
          const liveStateVersion = runtime.state.current().version;
          const now = Date.now();
          const rows = instances.map((i) => ({ ...i, flags: flagsStatus(i, fileVersion), lastSeenMsAgo: Math.max(0, now - i.lastSeen) }));
          if (opts.json) {
            process.stdout.write(
              `${printableJson({ store: runtime.spec.storeLabel, liveStateVersion, flagsVersion: fileVersion ?? null, skipped, instances: rows })}\n`,
            );
            return;
          }
          const head = `${instances.length} instance${instances.length === 1 ? '' : 's'} read ${printable(runtime.spec.storeLabel)} (live state version ${liveStateVersion}${fileVersion ? `, flag file ${fileVersion}` : ''})`;
          process.stdout.write(`${head}\n`);
          for (const r of rows) {
            const live = r.liveStateVersion === liveStateVersion ? `live v${r.liveStateVersion}` : `live v${r.liveStateVersion} (behind v${liveStateVersion})`;
            const flags =
              r.flags === 'current'
                ? `flags ${r.flagsVersion}`
                : r.flags === 'older'
                  ? `flags ${r.flagsVersion} (OLDER than the file)`
                  : r.flags === 'rejected-reload'
                    ? `flags ${r.flagsVersion} (the file's reload was REJECTED; serving the last good flags)`
                    : `flags from ${r.backend}`;
            process.stdout.write(
              `  ${printable(r.app)}  ${printable(r.host)} pid ${r.pid}  ${r.layer === 'overlay' ? `overlay on ${printable(r.backend)}` : 'local'}  ${live}  ${flags}  seen ${(r.lastSeenMsAgo / 1000).toFixed(1)} s ago\n`,
            );
          }
          if (skipped > 0) process.stdout.write(`  (${skipped} unreadable presence record${skipped === 1 ? '' : 's'} ignored)\n`);
        });
      }),
    );
}

function flagsStatus(record: InstanceRecord, fileVersion: string | undefined): FlagsStatus {
  if (record.flagsVersion === undefined) return 'none';
  if (fileVersion === undefined) return 'unknown';
  if (record.flagsVersion === fileVersion) return 'current';
  return record.flagsRejected === fileVersion ? 'rejected-reload' : 'older';
}
