import type { PresenceStore, StateStore } from '@aiflags/core';
import { type DeliveryReport, watchDelivery } from '@aiflags/provider';

export interface ConsoleKillSwitchDeps {
  state: StateStore;
  presence?: PresenceStore;
  /** ms to wait for every running instance to confirm. */
  waitMs: number;
}

/**
 * Kills or revives a switch through the live-state store (which writes the audit entry with the actor and
 * reason) and says, for a person, who confirmed it: the kill-switch delivery report, as `aiflags kill` prints it.
 */
export async function changeKillSwitchFromConsole(
  deps: ConsoleKillSwitchDeps,
  change: { name: string; killed: boolean; reason: string; actor: string },
): Promise<string> {
  const delivery = deps.presence ? await watchDelivery(deps.presence) : undefined;
  try {
    const startedAt = performance.now();
    const state = await deps.state.setKillSwitch(change.name, change.killed, { reason: change.reason, actor: change.actor });
    const report = delivery ? await delivery.until(state.version, deps.waitMs, startedAt) : undefined;
    const what = change.killed ? `killed '${change.name}'` : `revived '${change.name}'`;
    return `${what} by ${change.actor}: ${change.reason} (live-state version ${state.version}). ${deliveryLine(report, deps.waitMs)}`;
  } finally {
    await delivery?.stop();
  }
}

/** `applied by 2 of 2 instances in 4 ms`, or who did not confirm. */
export function deliveryLine(report: DeliveryReport | undefined, waitMs: number): string {
  if (report === undefined) return 'Delivery not tracked.';
  if (report.total === 0) return 'No running instance reads this store.';
  const applied = `Applied by ${report.confirmed} of ${report.total} instance${report.total === 1 ? '' : 's'}${report.slowestMs === undefined ? '' : ` in ${Math.round(report.slowestMs * 10) / 10} ms`}.`;
  if (report.missing.length === 0) return applied;
  const missing = report.missing.map((m) => `${m.app} pid ${m.pid} on ${m.host}`).join(', ');
  return `${applied} Not confirmed within ${waitMs} ms: ${missing}; they apply it when they read the store again.`;
}
