import { hubspot } from '@hubspot/ui-extensions';
import type { CardView } from '../src/card-api/card-view';
import type { CompanyCardView } from '../src/card-api/company-card-view';
import { API_BASE } from './api-base';

/** A failed card API call, with the server's error id when it sent one, so a rep can quote it to support. */
export class CardApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorId: string | null,
  ) {
    super(message);
    this.name = 'CardApiError';
  }
}

const TIMEOUT_MS = 10_000;

export function cardViewUrl(portalId: number, contactId: number | string, recompute = false): string {
  const path = recompute ? '/api/cards/persona/recompute' : '/api/cards/persona';
  return `${API_BASE}${path}?portalId=${encodeURIComponent(portalId)}&contactId=${encodeURIComponent(contactId)}`;
}

export async function fetchCardView(
  portalId: number,
  contactId: number | string,
  options: { recompute?: boolean } = {},
): Promise<CardView> {
  const recompute = options.recompute === true;
  return fetchView<CardView>(
    cardViewUrl(portalId, contactId, recompute),
    recompute
      ? // hubspot.fetch only sends JSON bodies, and the server signs over whatever body arrives.
        { method: 'POST', timeout: TIMEOUT_MS, body: {} }
      : { method: 'GET', timeout: TIMEOUT_MS },
  );
}

export function companyCardViewUrl(portalId: number, companyId: number | string): string {
  return `${API_BASE}/api/cards/company?portalId=${encodeURIComponent(portalId)}&companyId=${encodeURIComponent(companyId)}`;
}

/** The buying committee of a company record. */
export async function fetchCompanyCardView(portalId: number, companyId: number | string): Promise<CompanyCardView> {
  return fetchView<CompanyCardView>(companyCardViewUrl(portalId, companyId), { method: 'GET', timeout: TIMEOUT_MS });
}

async function fetchView<T>(url: string, init: { method: 'GET' | 'POST'; timeout: number; body?: Record<string, unknown> }): Promise<T> {
  const response = await hubspot.fetch(url, init);
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { message?: unknown; id?: unknown } } | null)?.error;
    throw new CardApiError(
      typeof error?.message === 'string' ? error.message : `The persona service answered ${response.status}`,
      response.status,
      typeof error?.id === 'string' ? error.id : null,
    );
  }
  if (!body || typeof body !== 'object' || (body as { contractVersion?: unknown }).contractVersion !== 1) {
    throw new CardApiError('The persona service sent a card this version cannot show', response.status, null);
  }
  return body as T;
}
