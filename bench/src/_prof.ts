import { evaluate, validateFlags } from '@aiflags/core';
const set = validateFlags({ flags: { new_system_prompt: { enabled: true, percentage: 10 } } }, 'bench-flags.json');
const ctxs = Array.from({ length: 100000 }, (_, i) => ({ targetingKey: 'user-' + i }));
let h = 0;
for (let r = 0; r < 30; r++) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < ctxs.length; i++) if (evaluate(set, 'new_system_prompt', ctxs[i]!).value === true) h++;
  if (r % 5 === 0) console.log(Number(process.hrtime.bigint() - t) / 1e5, 'ns');
}
console.log(h);
