import type { Command } from 'commander';
import { register as audit } from './audit.js';
import { register as check } from './check.js';
import { register as evalCommand } from './eval.js';
import { register as exportCommand } from './export.js';
import { register as importCommand } from './import.js';
import { register as init } from './init.js';
import { register as instances } from './instances.js';
import { register as kill } from './kill.js';
import { register as promote } from './promote.js';
import { register as replay } from './replay.js';
import { register as report } from './report.js';
import { register as revive } from './revive.js';
import { register as rollout } from './rollout.js';
import { register as serve } from './serve.js';
import { register as shadow } from './shadow.js';
import { register as state } from './state.js';
import { register as validate } from './validate.js';

/** Each command lives in its own file and adds itself to the program. */
export const commands: Array<(program: Command) => void> = [
  init,
  validate,
  check,
  evalCommand,
  exportCommand,
  importCommand,
  kill,
  revive,
  promote,
  instances,
  report,
  replay,
  shadow,
  rollout,
  audit,
  state,
  serve,
];
