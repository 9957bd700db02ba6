import { escapeHtml } from './html-escape.js';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e3e6ea}th{background:#f5f6f8}
code{font:12px ui-monospace,monospace;background:#f2f3f5;padding:0 .2rem;border-radius:3px}
.killed{color:#b00020;font-weight:600}.on{color:#0a6b2f;font-weight:600}.muted{color:#667085}
form.inline{display:flex;gap:.4rem;margin:0}input[type=text],input[type=password]{padding:.25rem .4rem;min-width:14rem}
button{padding:.25rem .7rem;cursor:pointer}button.kill{background:#b00020;color:#fff;border:0;border-radius:3px}
.notice{padding:.6rem .8rem;border-radius:4px;background:#eef4ff}.error{background:#fdecee}`;

/** A console page: self-contained (inline CSS, no scripts, nothing fetched), `body` already escaped HTML. */
export function consolePage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}

/** A page that says one thing (signed out, refused, done) with a link back to the console. */
export function messagePage(title: string, message: string, kind: 'notice' | 'error' = 'notice'): string {
  return consolePage(title, `<h1>${escapeHtml(title)}</h1>\n<p class="${kind}">${escapeHtml(message)}</p>\n<p><a href="/">Back to the console</a></p>`);
}

/** The sign-in form shown when the server has tokens and the browser has no session. */
export function loginPage(problem?: string): string {
  const note = problem === undefined ? '' : `<p class="error">${escapeHtml(problem)}</p>\n`;
  return consolePage(
    'aiflags console: sign in',
    `<h1>aiflags console</h1>\n${note}<form method="post" action="/login" class="inline">
<label>Token <input type="password" name="token" required autocomplete="current-password"></label> <button type="submit">Sign in</button>
</form>\n<p class="muted">A token from AIFLAGS_SERVE_TOKEN reads; one from AIFLAGS_SERVE_WRITE_TOKEN may also kill and revive.</p>`,
  );
}
