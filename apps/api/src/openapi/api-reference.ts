import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';

/**
 * `/docs`: a self-contained reference page over /v1/openapi.json. No CDN and nothing inline, so
 * the API's strict CSP (script-src 'self', style-src 'self') holds: the page loads its script and
 * stylesheet from /docs/reference.js and /docs/reference.css.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reelsmith API reference</title>
<link rel="stylesheet" href="/docs/reference.css">
<script defer src="/docs/reference.js"></script>
</head>
<body>
<header><h1>Reelsmith API</h1><p>The OpenAPI 3.1 document: <a href="/v1/openapi.json">/v1/openapi.json</a></p></header>
<main id="reference" aria-live="polite"><p>Loading…</p></main>
</body>
</html>
`;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{padding:1rem 2rem;background:#1b1f24;color:#fff}header a{color:#9cd}
main{max-width:70rem;margin:0 auto;padding:1rem 2rem}
section{margin:1.5rem 0}h2{text-transform:capitalize;border-bottom:1px solid #ddd}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem 1rem}
summary{cursor:pointer}code.method{display:inline-block;min-width:4.5rem;font-weight:700}
.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c33}
.role{font-size:.8em;background:#fde7c7;border-radius:4px;padding:0 .4em;margin-left:.5em}
pre{background:#f3f3f3;padding:.5rem;overflow:auto;max-height:24rem;font-size:13px}`;

const SCRIPT = `(async () => {
  const main = document.getElementById('reference');
  const doc = await (await fetch('/v1/openapi.json')).json();
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  };
  const json = (value) => el('pre', { textContent: JSON.stringify(value, null, 2) });
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  main.replaceChildren();
  for (const [tag, ops] of byTag) {
    const section = el('section', {}, el('h2', { textContent: tag }));
    for (const { path, method, op } of ops) {
      const summary = el('summary', {}, el('code', { className: 'method ' + method, textContent: method.toUpperCase() }), el('code', { textContent: path }), ' — ' + op.summary);
      if (op['x-required-role']) summary.append(el('span', { className: 'role', textContent: op['x-required-role'] }));
      const details = el('details', {}, summary);
      if (op.parameters && op.parameters.length) details.append(el('h4', { textContent: 'Parameters' }), json(op.parameters));
      if (op.requestBody) details.append(el('h4', { textContent: 'Body' }), json(op.requestBody.content['application/json'].schema));
      for (const [status, response] of Object.entries(op.responses)) {
        details.append(el('h4', { textContent: status + ' ' + response.description }));
        const content = response.content && Object.entries(response.content)[0];
        if (content) details.append(json(content[1].schema));
      }
      section.append(details);
    }
    main.append(section);
  }
})().catch((error) => { document.getElementById('reference').textContent = 'Could not load the document: ' + error; });`;

export function serveApiReference(app: NestExpressApplication): void {
  const send = (type: string, body: string) => (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type(type).send(body);
  };
  app.use('/docs/reference.js', send('text/javascript', SCRIPT));
  app.use('/docs/reference.css', send('text/css', STYLE));
  app.use('/docs', (req: Request, res: Response, next: NextFunction) =>
    req.path === '/' ? send('text/html', PAGE)(req, res) : next(),
  );
}
