import { signV2, signV3 } from '../platform/hubspot-signature';

/**
 * HubSpot calling the app outside webhooks: app-card `hubspot.fetch` requests (signed v3, with
 * the caller identity HubSpot appends as query parameters) and custom workflow-action executions
 * (signed v2 and v3, body per docs/hubspot-contracts.md, Workflow actions).
 */

export interface CardFetchOptions {
  portalId: number;
  /** The record the card is on: a contact (the persona card) or a company (`companyId`, the company card). */
  contactId?: string;
  companyId?: string;
  userId?: number;
  userEmail?: string;
  path?: string;
}

export interface WorkflowActionOptions {
  portalId: number;
  contactId: string;
  callbackId?: string;
  inputFields?: Record<string, string>;
  /** Enrolled-object properties to include (`objectRequestOptions.properties` in the definition). */
  objectProperties?: Record<string, string | null>;
  workflowId?: number;
  /** `v2` (default, as the guide says) or `v3` only, to check the app takes either. */
  signature?: 'v2' | 'v3';
}

export interface WorkflowOptionsRequest {
  portalId: number;
  /** The input field whose dropdown the workflow author opened. */
  inputFieldName: string;
  /** What the author typed into the dropdown's search box. */
  q?: string;
  after?: string;
  /** The field's `optionsUrl` path on the app; defaults to the persona action's. */
  path?: string;
}

export interface OutboundResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface OutboundCallerDeps {
  appId: number;
  clientSecret: string;
  targetBaseUrl?: string;
  clock: () => number;
  timeoutMs: number;
}

export const CARD_FETCH_PATH = '/api/cards/persona';
export const COMPANY_CARD_FETCH_PATH = '/api/cards/company';
export const WORKFLOW_ACTION_PATH = '/workflow-actions/persona';
export const WORKFLOW_OPTIONS_PATH = '/workflow-actions/persona/options';
const ACTION_DEFINITION = { actionDefinitionId: 10_860_211, actionDefinitionVersion: 1 };
// hubspot.fetch gives up after 15 s at most (docs/hubspot-contracts.md, Cards).
const CARD_FETCH_TIMEOUT_MS = 15_000;

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class OutboundCaller {
  private nextCallback = 1;

  constructor(private readonly deps: OutboundCallerDeps) {}

  private base(): string {
    if (!this.deps.targetBaseUrl) throw new Error('the sandbox has no app.targetBaseUrl to call');
    return this.deps.targetBaseUrl.replace(/\/+$/, '');
  }

  async cardFetch(o: CardFetchOptions): Promise<OutboundResult> {
    const onCompany = o.companyId !== undefined;
    const url = new URL(`${this.base()}${o.path ?? (onCompany ? COMPANY_CARD_FETCH_PATH : CARD_FETCH_PATH)}`);
    url.searchParams.set('portalId', String(o.portalId));
    // The card builds its URL from the record it is on (context.crm.objectId).
    if (onCompany) url.searchParams.set('companyId', o.companyId!);
    else url.searchParams.set('contactId', o.contactId ?? '');
    // docs/hubspot-contracts.md, Cards: HubSpot appends the caller identity; query parameters are the conservative reading.
    url.searchParams.set('userId', String(o.userId ?? 7_000_001));
    url.searchParams.set('userEmail', o.userEmail ?? `user@sandbox-${o.portalId}.example.com`);
    url.searchParams.set('appId', String(this.deps.appId));
    const href = url.toString();
    const timestamp = this.deps.clock();
    const headers = {
      accept: 'application/json',
      'x-hubspot-signature-v3': signV3({ method: 'GET', url: href, body: '' }, this.deps.clientSecret, timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
    };
    const res = await fetch(href, { method: 'GET', headers, signal: AbortSignal.timeout(CARD_FETCH_TIMEOUT_MS) });
    return { status: res.status, body: await readBody(res), headers: Object.fromEntries(res.headers.entries()) };
  }

  async workflowAction(o: WorkflowActionOptions): Promise<OutboundResult> {
    const url = `${this.base()}${WORKFLOW_ACTION_PATH}`;
    const callbackId = o.callbackId ?? `ap-${o.portalId}-${Date.now()}-${this.nextCallback++}-0`;
    const body = JSON.stringify({
      callbackId,
      origin: {
        portalId: o.portalId,
        ...ACTION_DEFINITION,
        extensionDefinitionId: 10_860_211,
        extensionDefinitionVersionId: 1,
      },
      context: { source: 'WORKFLOWS', workflowId: o.workflowId ?? 192_814_114 },
      object: { objectId: Number(o.contactId), objectType: 'CONTACT', properties: o.objectProperties ?? {} },
      inputFields: o.inputFields ?? {},
    });
    const headers = this.workflowHeaders(url, body, o.signature ?? 'v2');
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(Math.max(this.deps.timeoutMs, 1000)) });
    return { status: res.status, body: await readBody(res), headers: Object.fromEntries(res.headers.entries()) };
  }

  /**
   * A workflow author opening an input field's dropdown: HubSpot posts the portal, the action and
   * the field (with any search text) to the field's `optionsUrl`, signed like action executions,
   * and expects `{ options: [{ label, value, description? }], after?, searchable? }`.
   */
  async workflowOptions(o: WorkflowOptionsRequest): Promise<OutboundResult> {
    const url = `${this.base()}${o.path ?? WORKFLOW_OPTIONS_PATH}`;
    const fetchOptions: Record<string, string> = {};
    if (o.q !== undefined) fetchOptions.q = o.q;
    if (o.after !== undefined) fetchOptions.after = o.after;
    const body = JSON.stringify({
      origin: { portalId: o.portalId, ...ACTION_DEFINITION },
      inputFieldName: o.inputFieldName,
      inputFields: {},
      fetchOptions,
    });
    const headers = this.workflowHeaders(url, body, 'v2');
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(Math.max(this.deps.timeoutMs, 1000)) });
    return { status: res.status, body: await readBody(res), headers: Object.fromEntries(res.headers.entries()) };
  }

  private workflowHeaders(url: string, body: string, version: 'v2' | 'v3'): Record<string, string> {
    const common = { 'content-type': 'application/json', accept: 'application/json' };
    if (version === 'v2') {
      return {
        ...common,
        'x-hubspot-signature': signV2({ method: 'POST', url, body }, this.deps.clientSecret),
        'x-hubspot-signature-version': 'v2',
      };
    }
    const timestamp = this.deps.clock();
    return {
      ...common,
      'x-hubspot-signature-v3': signV3({ method: 'POST', url, body }, this.deps.clientSecret, timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
    };
  }
}
