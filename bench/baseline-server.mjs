// The baseline: plain node:http answering the same bytes as Portico's hello endpoint, in its own
// process. It announces its URL with the same `{service, url}` JSON line as Portico's services.
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BENCH_BODY ?? '"hello"');
const contentType = process.env.BENCH_CONTENT_TYPE ?? 'application/json';

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ service: 'baseline', url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
