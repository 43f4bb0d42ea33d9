import request from 'supertest';

type Agent = ReturnType<typeof request.agent>;

/**
 * The CSRF token of a page's form, for tests that post page forms with supertest. Use the same agent for the GET
 * and the POST: the token pairs with the `kt.csrf` cookie the agent keeps (and, once logged in, with its session).
 */
export async function formToken(agent: Agent, path = '/anmelden'): Promise<string> {
  const res = await agent.get(path);
  const m = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!m) throw new Error(`No CSRF token in the page ${path} (status ${res.status})`);
  return m[1];
}
