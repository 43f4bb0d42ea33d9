import express from 'express';
import request from 'supertest';
import { contentTypeCheck, ensureBody, multipartFields, ONE_CLICK_BODY_LIMIT } from '../../../src/security/content-type.middleware';

// RFC 8058 3.1: the one-click POST carries "List-Unsubscribe=One-Click" as application/x-www-form-urlencoded or as
// multipart/form-data. The unsubscribe route takes both; every other page route still takes forms only (415).
describe('content types of the one-click unsubscribe POST', () => {
  const app = express();
  // A view engine as in the app, without the templates: refusals answer with their plain-text fallback.
  app.engine('hbs', (_path: string, _opts: object, cb: (e: Error | null, html?: string) => void) => cb(null, ''));
  app.set('view engine', 'hbs');
  app.set('views', '/nonexistent');
  app.use(contentTypeCheck);
  app.use(express.urlencoded({ extended: false }));
  app.use(ensureBody);
  app.post(['/abbestellen', '/anmelden'], (req, res) => res.json({ body: req.body as unknown }));
  app.post('/api/x', (req, res) => res.json({ body: req.body as unknown }));
  const query = '?u=4c9c0f7e-2b8e-4d4b-9d41-7b0f3d1e2a11&s=abc';

  it('takes the one-click body as multipart/form-data (as mail providers may send it)', async () => {
    const res = await request(app).post(`/abbestellen${query}`).field('List-Unsubscribe', 'One-Click').expect(200);
    expect(res.body).toEqual({ body: { 'List-Unsubscribe': 'One-Click' } });
  });

  it('and as a urlencoded form, as before', async () => {
    const res = await request(app).post(`/abbestellen${query}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(res.body).toEqual({ body: { 'List-Unsubscribe': 'One-Click' } });
  });

  it('keeps every other route as it was: multipart on another page or the API is a 415', async () => {
    await request(app).post('/anmelden').field('email', 'a@b.de').expect(415);
    await request(app).post('/api/x').field('a', 'b').expect(415);
    await request(app).post(`/abbestellen${query}`).type('text/plain').send('List-Unsubscribe=One-Click').expect(415);
  });

  it('refuses an oversized or broken multipart body with a 4xx', async () => {
    await request(app)
      .post(`/abbestellen${query}`)
      .field('List-Unsubscribe', 'One-Click')
      .field('padding', 'x'.repeat(ONE_CLICK_BODY_LIMIT))
      .expect(413);
    await request(app)
      .post(`/abbestellen${query}`)
      .set('Content-Type', 'multipart/form-data; boundary=abc')
      .send('List-Unsubscribe=One-Click')
      .expect(400);
  });

  it('multipartFields reads text fields per RFC 7578 and skips file parts', () => {
    const body = Buffer.from(
      [
        'preamble',
        '--b1',
        'Content-Disposition: form-data; name="List-Unsubscribe"',
        '',
        'One-Click',
        '--b1',
        'Content-Disposition: form-data; name="f"; filename="a.txt"',
        'Content-Type: text/plain',
        '',
        'data',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    expect(multipartFields(body, 'multipart/form-data; boundary=b1')).toEqual({ 'List-Unsubscribe': 'One-Click' });
    expect(multipartFields(body, 'multipart/form-data; boundary="b1"')).toEqual({ 'List-Unsubscribe': 'One-Click' });
    expect(multipartFields(body, 'multipart/form-data')).toBeNull();
    expect(multipartFields(Buffer.from('--b1\r\nno headers--b1--'), 'multipart/form-data; boundary=b1')).toBeNull();
  });
});
