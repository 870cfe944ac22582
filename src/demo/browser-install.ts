/**
 * Drives HubSpot's install flow the way a browser does, over HTTP with a cookie jar: the app's
 * /oauth/install, the (sandbox) authorize page, the approval, and the app's callback. The demo
 * uses it to install into the sandbox portal; the end-to-end tests use its steps one by one.
 */

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      if (index > 0) this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

/** Step 1: the app answers /oauth/install with a redirect to HubSpot's authorize URL and a browser cookie. */
export async function startInstall(appBaseUrl: string, jar: CookieJar): Promise<string> {
  const response = await fetch(`${appBaseUrl}/oauth/install`, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(response);
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`/oauth/install answered ${response.status} without a redirect`);
  return location;
}

/** Step 2: open the authorize page and approve the install for one portal; returns the callback URL HubSpot redirects to. */
export async function approveInstall(authorizeUrl: string, portalId: number): Promise<string> {
  const pageResponse = await fetch(authorizeUrl);
  const html = await pageResponse.text();
  if (!pageResponse.ok)
    throw new Error(
      `The authorize page answered ${pageResponse.status}: ${html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 300)}`,
    );
  const card = new RegExp(`data-portal-id="${portalId}"[\\s\\S]*?<form method="post" action="([^"]+)">([\\s\\S]*?)</form>`).exec(html);
  if (!card) throw new Error(`The authorize page offers no portal ${portalId}`);
  const form = new URLSearchParams();
  for (const input of card[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(input[1], unescapeHtml(input[2]));
  const approve = await fetch(new URL(card[1], authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const location = approve.headers.get('location');
  if (approve.status !== 302 || !location) throw new Error(`The approval answered ${approve.status} without a redirect`);
  return location;
}

/** Step 3: follow HubSpot's redirect back to the app's callback with the browser's cookies. */
export async function followCallback(callbackUrl: string, jar: CookieJar): Promise<{ status: number; body: string }> {
  const response = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(response);
  return { status: response.status, body: await response.text() };
}

/** The whole flow; throws unless the app answers the callback with 200. */
export async function installThroughBrowser(appBaseUrl: string, portalId: number): Promise<{ status: number; body: string }> {
  const jar = new CookieJar();
  const authorizeUrl = await startInstall(appBaseUrl, jar);
  const callbackUrl = await approveInstall(authorizeUrl, portalId);
  const result = await followCallback(callbackUrl, jar);
  if (result.status !== 200)
    throw new Error(
      `The install callback answered ${result.status}: ${result.body
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 300)}`,
    );
  return result;
}

export interface MarketplaceInstall {
  /** The URL HubSpot sent the browser to: the app's install URL with `code` and `returnUrl`. */
  readonly installUrl: string;
  /** The app's answer to it. */
  readonly status: number;
  readonly location: string | null;
  readonly body: string;
}

/** A customer clicking "Install from Marketplace" on the sandbox's control page; returns where HubSpot sends the browser. */
export async function approveFromMarketplace(sandboxBaseUrl: string, portalId: number): Promise<string> {
  const pageResponse = await fetch(`${sandboxBaseUrl}/_sandbox?portal=${portalId}`);
  const html = await pageResponse.text();
  const form = /<form method="post" action="([^"]+)">((?:(?!<form)[\s\S])*?)<button name="install" value="marketplace">/.exec(html);
  if (!form) throw new Error('The sandbox control page offers no "Install from Marketplace" button');
  const fields = new URLSearchParams();
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(input[1], unescapeHtml(input[2]));
  fields.set('install', 'marketplace');
  const approve = await fetch(new URL(form[1], sandboxBaseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  const installUrl = approve.headers.get('location');
  if (approve.status !== 302 || !installUrl) throw new Error(`The Marketplace approval answered ${approve.status} without a redirect`);
  return installUrl;
}

/**
 * A Marketplace install end to end: HubSpot (the sandbox) approves, sends the browser to the
 * app's install URL with `code` and `returnUrl`, and the app answers. Follows no further: the
 * caller checks where the app sends the browser.
 */
export async function installFromMarketplace(
  sandboxBaseUrl: string,
  portalId: number,
  rewrite: (installUrl: URL) => void = () => undefined,
): Promise<MarketplaceInstall> {
  const url = new URL(await approveFromMarketplace(sandboxBaseUrl, portalId));
  rewrite(url);
  const response = await fetch(url, { redirect: 'manual' });
  return { installUrl: url.toString(), status: response.status, location: response.headers.get('location'), body: await response.text() };
}
