import { Signature } from '@hubspot/api-client';
import { normalizeV3Uri } from '../../src/platform/hubspot-signature';
import type { Sandbox } from '../../src/sandbox';
import { workflowActionRequest, workflowOptionsRequest } from '../support/sandbox-schemas';
import { PORTAL_A, TEST_APP, startTestSandbox } from '../support/sandbox-harness';
import { startReceiver, type Receiver } from '../support/sandbox-receiver';

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox({ app: { targetBaseUrl: `${receiver.baseUrl}/` } });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.requests.length = 0;
});

function validV3(
  r: { method: string; url: string; rawBody: string; headers: Record<string, string> },
  secret: string = TEST_APP.clientSecret,
): boolean {
  return Signature.isValid({
    signatureVersion: 'v3',
    signature: r.headers['x-hubspot-signature-v3'],
    clientSecret: secret,
    requestBody: r.rawBody,
    // The SDK decodes nothing: hand it the URL with HubSpot's escapes decoded, as a verifier must.
    url: normalizeV3Uri(r.url),
    method: r.method,
    timestamp: Number(r.headers['x-hubspot-request-timestamp']),
  });
}

describe('app-card fetches', () => {
  it('GETs the card endpoint with the contact and caller identity, signed v3', async () => {
    receiver.body = { persona: 'developer' };
    const res = await sandbox.outbound.cardFetch({ portalId: PORTAL_A, contactId: '1005', userId: 55, userEmail: 'rep+1@example.com' });
    expect(res).toMatchObject({ status: 200, body: { persona: 'developer' } });
    const [req] = receiver.requests;
    expect(req.method).toBe('GET');
    const url = new URL(req.url);
    expect(url.pathname).toBe('/api/cards/persona');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      portalId: String(PORTAL_A),
      contactId: '1005',
      userId: '55',
      userEmail: 'rep+1@example.com',
      appId: String(TEST_APP.appId),
    });
    expect(req.url).toContain('%40');
    expect(validV3(req)).toBe(true);
    expect(validV3(req, 'another-secret')).toBe(false);
  });

  it('GETs the company card endpoint from a company record, with the company id and the caller identity, signed v3', async () => {
    const res = await sandbox.outbound.cardFetch({ portalId: PORTAL_A, companyId: '9000000001', userId: 56, userEmail: 'rep@example.com' });
    expect(res.status).toBe(200);
    const [req] = receiver.requests;
    const url = new URL(req.url);
    expect(url.pathname).toBe('/api/cards/company');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      portalId: String(PORTAL_A),
      companyId: '9000000001',
      userId: '56',
      userEmail: 'rep@example.com',
      appId: String(TEST_APP.appId),
    });
    expect(validV3(req)).toBe(true);
  });

  it('plays the company card fetch from the control API too', async () => {
    const res = await fetch(`${sandbox.baseUrl}/_sandbox/api/portals/${PORTAL_A}/card-fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyId: '9000000002' }),
    });
    expect(res.status).toBe(200);
    const url = new URL(receiver.requests[0].url);
    expect([url.pathname, url.searchParams.get('companyId'), url.searchParams.has('contactId')]).toEqual([
      '/api/cards/company',
      '9000000002',
      false,
    ]);
  });

  it("passes the app's answer through, whatever its status", async () => {
    receiver.respondWith([503]);
    const res = await sandbox.outbound.cardFetch({ portalId: PORTAL_A, contactId: '1006', path: '/api/cards/other' });
    expect(res.status).toBe(503);
    expect(new URL(receiver.requests[0].url).pathname).toBe('/api/cards/other');
  });
});

describe('workflow-action executions', () => {
  it('POSTs the documented body signed v2 only, as the custom-action guide says', async () => {
    receiver.body = { outputFields: { persona: 'developer', hs_execution_state: 'SUCCESS' } };
    const res = await sandbox.outbound.workflowAction({
      portalId: PORTAL_A,
      contactId: '1007',
      callbackId: 'ap-1-2-3-0',
      inputFields: { refresh: 'cached' },
    });
    expect(res.body).toEqual({ outputFields: { persona: 'developer', hs_execution_state: 'SUCCESS' } });
    const [req] = receiver.requests;
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/workflow-actions/persona');
    expect(workflowActionRequest.parse(JSON.parse(req.rawBody))).toMatchObject({
      callbackId: 'ap-1-2-3-0',
      origin: { portalId: PORTAL_A },
      object: { objectId: 1007, objectType: 'CONTACT' },
      inputFields: { refresh: 'cached' },
    });
    expect(req.headers['x-hubspot-signature-version']).toBe('v2');
    expect(
      Signature.isValid({
        signatureVersion: 'v2',
        signature: req.headers['x-hubspot-signature'],
        clientSecret: TEST_APP.clientSecret,
        requestBody: req.rawBody,
        url: req.url,
        method: 'POST',
      }),
    ).toBe(true);
    expect(req.headers['x-hubspot-signature-v3']).toBeUndefined();
    expect(req.headers['x-hubspot-request-timestamp']).toBeUndefined();
  });

  it('signs v3 only when asked, to check the app takes either', async () => {
    await sandbox.outbound.workflowAction({ portalId: PORTAL_A, contactId: '1007', signature: 'v3' });
    const [req] = receiver.requests;
    expect(req.headers['x-hubspot-signature']).toBeUndefined();
    expect(validV3(req)).toBe(true);
  });

  it("asks an input field's optionsUrl for the choices the way HubSpot does: portal, action and field in a v2-signed POST", async () => {
    receiver.body = { options: [{ label: 'Developer', value: 'developer' }], searchable: true };
    const res = await sandbox.outbound.workflowOptions({ portalId: PORTAL_A, inputFieldName: 'persona_to_check', q: 'dev' });
    expect(res.body).toEqual({ options: [{ label: 'Developer', value: 'developer' }], searchable: true });
    const [req] = receiver.requests;
    expect([req.method, new URL(req.url).pathname]).toEqual(['POST', '/workflow-actions/persona/options']);
    expect(workflowOptionsRequest.parse(JSON.parse(req.rawBody))).toMatchObject({
      origin: { portalId: PORTAL_A },
      inputFieldName: 'persona_to_check',
      fetchOptions: { q: 'dev' },
    });
    expect(
      Signature.isValid({
        signatureVersion: 'v2',
        signature: req.headers['x-hubspot-signature'],
        clientSecret: TEST_APP.clientSecret,
        requestBody: req.rawBody,
        url: req.url,
        method: 'POST',
      }),
    ).toBe(true);
  });

  it('gives every execution its own callback id when none is chosen', async () => {
    await sandbox.outbound.workflowAction({ portalId: PORTAL_A, contactId: '1008' });
    await sandbox.outbound.workflowAction({ portalId: PORTAL_A, contactId: '1008' });
    const ids = receiver.requests.map((r) => (JSON.parse(r.rawBody) as { callbackId: string }).callbackId);
    expect(new Set(ids).size).toBe(2);
  });
});
