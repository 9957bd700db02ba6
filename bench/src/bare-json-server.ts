/**
 * The floor for the OFREP bench: a bare node:http server that reads the request body and answers one fixed
 * JSON body, nothing else. Prints `listening <url>` on stdout; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({ key: 'chat-model', value: { model: 'gpt-4o', provider: 'openai' }, reason: 'TARGETING_MATCH', variant: 'control', metadata: {} });
const LENGTH = String(Buffer.byteLength(BODY));

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': LENGTH }).end(BODY);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
