import { describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { MemoryStateStore } from '@aiflags/file';
import { RolloutController } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';

/** A model swap whose file already serves the treatment to `percentage` % of users. */
const flagsAt = (percentage: number) =>
  validateFlags(
    {
      flags: {
        'chat-model': {
          changeType: 'model-swap',
          variants: { control: { model: 'gpt-4o' }, treatment: { model: 'claude-sonnet-4' } },
          defaultVariant: 'control',
          rollout: { variant: 'treatment', percentage },
        },
      },
    },
    'test-flags',
  );

describe('RolloutController: the first tick', () => {
  // The model-swap plan is 1 → 5 → 25 → 50 → 100.
  it.each([
    [1, 1, 0],
    [5, 5, 1],
    [10, 5, 1],
    [30, 25, 2],
  ])('a flag at %d %% joins the plan at %d %% (step %d), the highest step not wider than the file', async (file, to, step) => {
    const state = new MemoryStateStore();
    const controller = new RolloutController({ state, metrics: new MemoryMetricStore(), flags: flagsAt(file), clock: () => Date.UTC(2026, 10, 1) });
    const [action] = await controller.tick();
    expect(action).toMatchObject({ action: 'start', from: file, to, step });
    expect(state.current().flags['chat-model']).toMatchObject({ percentage: to, rolloutStep: step, rolloutStatus: 'running' });
  });

  it('a model swap nobody is served yet starts in its replay stage at 0 %', async () => {
    const state = new MemoryStateStore();
    const controller = new RolloutController({ state, metrics: new MemoryMetricStore(), flags: flagsAt(0), clock: () => Date.UTC(2026, 10, 1) });
    const [action] = await controller.tick();
    expect(action).toMatchObject({ action: 'start', from: 0, to: 0, stage: 'replay' });
    expect(state.current().flags['chat-model']).toMatchObject({ percentage: 0, rolloutStage: 'replay', rolloutStatus: 'running' });
  });
});
