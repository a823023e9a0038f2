/**
 * The HTTP floor: a bare Express route that parses the same JSON the same way glasslog
 * does (express.json, 4 MiB limit, any content type) and answers 201 with a small JSON
 * body. Run as its own process, exactly like the server under test.
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: 4 << 20, type: () => true, strict: false }));
app.post('/api/v1/log/entries', (req, res) => {
  const body = req.body as { kind?: unknown };
  res.status(201).json({ kind: body.kind ?? null });
});
const server = app.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`floor is listening on http://127.0.0.1:${a.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
