import type { CompiledFlag, FlagSet, KillSwitch, LiveState, RuleDefinition } from '@aiflags/core';
import type { RolloutProgress } from '@aiflags/ai';
import { consolePage } from './console-layout.js';
import { escapeHtml as esc } from './html-escape.js';

export interface ConsoleOverviewInput {
  set: FlagSet;
  live: LiveState;
  rollouts: readonly RolloutProgress[];
  /** The CSRF token for the kill and revive forms; undefined: the viewer may only read, no forms. */
  csrf: string | undefined;
  /** Who is signed in (the token's name), shown in the header. */
  viewer: string | undefined;
  /** Where the live state lives, for people. */
  storeLabel: string;
}

/** The longest variant value shown, in characters; the rest is cut with an ellipsis. */
const MAX_VALUE_CHARS = 160;

/** The console's front page: every kill switch with its kill or revive form, every flag with its variants, rollout, targeting and live state. */
export function renderConsoleOverview(input: ConsoleOverviewInput): string {
  const { set, live } = input;
  const rollouts = new Map(input.rollouts.map((r) => [r.flagKey, r]));
  const who = input.viewer === undefined ? '' : ` · signed in as <b>${esc(input.viewer)}</b>`;
  const mode = input.csrf === undefined ? ' · read only' : '';
  const body = [
    `<header><h1>aiflags console</h1><p class="muted">Flags <code>${esc(set.source)}</code> version <code>${esc(set.version)}</code> · live state <code>${esc(input.storeLabel)}</code> version ${live.version}${who}${mode}</p></header>`,
    killSwitchesSection(set, live, input.csrf),
    `<section id="flags"><h2>Flags</h2>`,
    set.flags.size === 0 ? '<p class="muted">The flag file has no flags.</p>' : flagsTable(set, live, rollouts),
    '</section>',
  ].join('\n');
  return consolePage('aiflags console', body);
}

function killSwitchesSection(set: FlagSet, live: LiveState, csrf: string | undefined): string {
  if (set.killSwitches.size === 0)
    return '<section id="kill-switches"><h2>Kill switches</h2><p class="muted">The flag file has no killSwitches section.</p></section>';
  const rows = [...set.killSwitches.values()].map((s) => killSwitchRow(s, live, csrf)).join('\n');
  return `<section id="kill-switches"><h2>Kill switches</h2>
<table><thead><tr><th>switch</th><th>state</th><th>last change</th><th>action</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function killSwitchRow(s: KillSwitch, live: LiveState, csrf: string | undefined): string {
  const state = live.killSwitches[s.key];
  const killed = state?.killed ?? !s.enabled;
  const change = state
    ? `${esc(state.at)} by ${esc(state.actor ?? 'unknown')}${state.reason ? ` — ${esc(state.reason)}` : ''}`
    : '<span class="muted">none (as in the file)</span>';
  const description = s.description ? `<br><span class="muted">${esc(s.description)}</span>` : '';
  return `<tr data-switch="${esc(s.key)}"><td><code>${esc(s.key)}</code>${description}</td>
<td class="${killed ? 'killed' : 'on'}" data-field="state">${killed ? 'killed' : 'on'}</td><td>${change}</td><td>${csrf === undefined ? '<span class="muted">read only</span>' : switchForm(s.key, killed, csrf)}</td></tr>`;
}

function switchForm(key: string, killed: boolean, csrf: string): string {
  const action = killed ? 'revive' : 'kill';
  return `<form method="post" action="/kill-switches/${esc(encodeURIComponent(key))}/${action}" class="inline">
<input type="hidden" name="csrf" value="${esc(csrf)}"><input type="text" name="reason" required maxlength="500" placeholder="reason (audited)" aria-label="reason">
<button type="submit"${killed ? '' : ' class="kill"'}>${killed ? 'Revive' : 'Kill'}</button></form>`;
}

function flagsTable(set: FlagSet, live: LiveState, rollouts: Map<string, RolloutProgress>): string {
  const rows = [...set.flags.values()].map((f) => flagRow(f, live, rollouts.get(f.key))).join('\n');
  return `<table><thead><tr><th>flag</th><th>variants</th><th>rollout</th><th>targeting</th><th>live state</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function flagRow(flag: CompiledFlag, live: LiveState, rollout: RolloutProgress | undefined): string {
  const d = flag.definition;
  const about = [flag.changeType ? esc(flag.changeType) : '', flag.owner ? `owner ${esc(flag.owner)}` : '', flag.description ? esc(flag.description) : '']
    .filter(Boolean)
    .join(' · ');
  const variants = Object.entries(d.variants)
    .map(([key, value]) => {
      const tags = [key === d.defaultVariant ? 'default' : '', key === d.offVariant && d.offVariant !== d.defaultVariant ? 'off' : '']
        .filter(Boolean)
        .join(', ');
      return `<li><code>${esc(key)}</code>${tags ? ` <span class="muted">(${tags})</span>` : ''}: <code>${esc(shortJson(value))}</code></li>`;
    })
    .join('');
  return `<tr data-flag="${esc(flag.key)}"><td><a href="/flags/${esc(encodeURIComponent(flag.key))}"><code>${esc(flag.key)}</code></a> <span class="muted">${esc(flag.type)}</span>${about ? `<br><span class="muted">${about}</span>` : ''}${d.enabled ? '' : '<br><span class="killed">disabled in the file</span>'}</td>
<td><ul>${variants}</ul></td><td data-field="rollout">${rolloutCell(flag, rollout)}</td><td>${targetingCell(d.rules)}</td><td data-field="live">${liveCell(live.flags[flag.key])}</td></tr>`;
}

function rolloutCell(flag: CompiledFlag, progress: RolloutProgress | undefined): string {
  const d = flag.definition;
  const written = d.rollout
    ? `${d.rollout.percentage} % <code>${esc(d.rollout.variant)}</code>, the rest <code>${esc(d.defaultVariant)}</code>`
    : d.split
      ? Object.entries(d.split)
          .map(([v, w]) => `<code>${esc(v)}</code> ${w} %`)
          .join(', ')
      : `everyone <code>${esc(d.defaultVariant)}</code>`;
  if (progress === undefined) return written;
  const plan = progress.steps.map((s, i) => (i === progress.step ? `<b>[${s} %]</b>` : `${s} %`)).join(' → ');
  return `${written}<br>plan <span data-field="plan">${plan}</span><br>${esc(progress.status)}, now ${progress.percentage} %${progress.stepStartedAt ? ` since ${esc(progress.stepStartedAt)}` : ''}`;
}

function targetingCell(rules: readonly RuleDefinition[]): string {
  if (rules.length === 0) return '<span class="muted">no rules</span>';
  const items = rules.map((r) => {
    const when = [r.segment ? `segment <code>${esc(r.segment)}</code>` : '', ...r.conditions.map((c) => `<code>${esc(shortJson(c))}</code>`)]
      .filter(Boolean)
      .join(' and ');
    const serves =
      r.variant !== undefined
        ? `<code>${esc(r.variant)}</code>`
        : r.rollout
          ? `${r.rollout.percentage} % <code>${esc(r.rollout.variant)}</code>`
          : `split ${esc(shortJson(r.split))}`;
    return `<li>${r.name ? `${esc(r.name)}: ` : ''}${when || 'always'} → ${serves}</li>`;
  });
  return `<ol>${items.join('')}</ol>`;
}

function liveCell(override: LiveState['flags'][string] | undefined): string {
  if (override === undefined || Object.keys(override).length === 0) return '<span class="muted">as in the file</span>';
  return `<code>${esc(shortJson(override))}</code>`;
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}
