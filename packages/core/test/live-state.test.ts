import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  applyFlagOverride,
  applyKillSwitch,
  checkLiveState,
  emptyLiveState,
  readLiveStateJson,
  checkKillSwitch,
  StateListeners,
} from '../src/index.js';
import { overrideAction } from '../src/live-state/changes.js';

const actor = { actor: 'ana' };

describe('live state as pure functions', () => {
  it('a kill bumps the version, changes one key and describes its audit entry', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const { state, changed, audit } = applyKillSwitch(emptyLiveState(), 'chat', true, { ...actor, reason: 'bad answers', retryAfter: 60 }, now);
    expect(state).toEqual({
      version: 1,
      flags: {},
      killSwitches: { chat: { killed: true, at: now.toISOString(), actor: 'ana', reason: 'bad answers', retryAfter: 60 } },
    });
    expect(changed).toEqual(['chat']);
    expect(audit).toEqual({ actor: 'ana', action: 'kill', target: 'chat', before: null, after: state.killSwitches.chat, reason: 'bad answers' });
    expect(applyKillSwitch(state, 'chat', false, actor).audit.action).toBe(AUDIT_ACTIONS.revive);
  });

  it('an override change is named from what it changes, unless the caller names it', () => {
    expect(overrideAction(undefined, null)).toBe('clear-override');
    expect(overrideAction({ enabled: true }, { enabled: false })).toBe('disable');
    expect(overrideAction({ enabled: false }, { enabled: true })).toBe('enable');
    expect(overrideAction({ percentage: 5 }, { percentage: 10 })).toBe('set-percentage');
    expect(overrideAction({ percentage: 5 }, { percentage: 5, rolloutStep: 1 })).toBe('set-override');
    expect(overrideAction(undefined, { percentage: 5 }, { action: AUDIT_ACTIONS.rolloutAdvance })).toBe('rollout-advance');
    const removed = applyFlagOverride(applyFlagOverride(emptyLiveState(), 'f', { percentage: 5 }, actor).state, 'f', null, actor);
    expect(removed.state).toEqual({ version: 2, flags: {}, killSwitches: {} });
    expect(removed.audit).toMatchObject({ action: 'clear-override', before: { percentage: 5 }, after: null });
  });

  it('one schema checks a whole state and each entry, naming the field', () => {
    expect(checkLiveState({ version: 3, flags: { f: { percentage: 10 } }, killSwitches: { k: { killed: true, at: 'x' } } }).ok).toBe(true);
    const cases: [unknown, string][] = [
      [[], 'value'],
      [{ version: -1, flags: {}, killSwitches: {} }, 'version'],
      [{ version: 1.5, flags: {}, killSwitches: {} }, 'version'],
      [{ version: 1, flags: [], killSwitches: {} }, 'flags'],
      [{ version: 1, flags: { f: { percentage: 140 } }, killSwitches: {} }, 'flags.f.percentage'],
      [{ version: 1, flags: { f: { enabled: 'yes' } }, killSwitches: {} }, 'flags.f.enabled'],
      [{ version: 1, flags: { f: { droppedVariants: [1] } }, killSwitches: {} }, 'flags.f.droppedVariants.0'],
      [{ version: 1, flags: {}, killSwitches: { k: { killed: 'true', at: 'x' } } }, 'killSwitches.k.killed'],
    ];
    for (const [value, field] of cases) {
      const read = checkLiveState(value);
      expect(read.ok, JSON.stringify(value)).toBe(false);
      if (!read.ok) expect(read.problem.startsWith(`${field}: `), read.problem).toBe(true);
    }
    const notJson = readLiveStateJson('{"killed": tru', checkKillSwitch);
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(notJson.problem).toMatch(/^not JSON: /);
  });

  it('listeners hear a change once each, a throwing one does not stop the rest, and no change calls none', () => {
    const errors: unknown[] = [];
    const listeners = new StateListeners((error) => errors.push(error));
    const heard: string[][] = [];
    listeners.add(() => {
      throw new Error('boom');
    });
    const remove = listeners.add((_s, changed) => heard.push(changed));
    listeners.emit(emptyLiveState(), ['a']);
    listeners.emit(emptyLiveState(), []);
    remove();
    listeners.emit(emptyLiveState(), ['b']);
    expect(heard).toEqual([['a']]);
    expect(errors).toHaveLength(2);
  });
});
