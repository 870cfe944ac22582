import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
// ESM-only tooling: this module runs under tsx (or Node's require of ESM), never inside Jest.
import { getProjectMetadata, isKnownPlatformVersion, isLegacyProject, parseProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { translate } from '@hubspot/project-parsing-lib/translate';
import { validateUid } from '@hubspot/project-parsing-lib/uid';
import { hsMetaSchemaByComponentType } from './hsmeta-schemas';

export interface ProjectComponent {
  readonly uid: string;
  readonly componentType: string;
  /** Relative to the project folder, with forward slashes. */
  readonly metaFile: string;
}

export interface ProjectCheck {
  readonly problems: readonly string[];
  /** Things HubSpot may accept but that will not work as deployed, such as URLs it cannot reach. */
  readonly warnings: readonly string[];
  readonly components: readonly ProjectComponent[];
}

/**
 * The checks that can run offline: project-parsing-lib's own parsing (config, metadata, translation
 * without schema validation), plus what it silently skips: dropped meta files, bad uids, config
 * fields (zod), the card's entry point and imports, and the URLs HubSpot will call.
 * Full schema validation needs `hs project validate` against a HubSpot account.
 */
export async function checkHubSpotProject(projectDir: string): Promise<ProjectCheck> {
  const dir = path.resolve(projectDir);
  const problems: string[] = [];
  const warnings: string[] = [];
  const rel = (file: string) =>
    path
      .relative(dir, path.isAbsolute(file) ? file : path.join(srcDir, file))
      .split(path.sep)
      .join('/');

  let config: ReturnType<typeof parseProjectConfig>;
  try {
    config = parseProjectConfig(dir);
  } catch (err) {
    return { problems: [`hsproject.json: ${(err as Error).message}`], warnings, components: [] };
  }
  const srcDir = path.join(dir, config.srcDir);
  if (!isKnownPlatformVersion(config.platformVersion)) problems.push(`hsproject.json: unknown platformVersion ${config.platformVersion}`);
  if (isLegacyProject(config.platformVersion))
    problems.push(`hsproject.json: ${config.platformVersion} is a legacy platform; use 2025.2 or later`);

  const metadata = await getProjectMetadata(srcDir);
  for (const [type, m] of Object.entries(metadata.components)) {
    if (m.count > m.maxCount) problems.push(`${type}: ${m.count} components where at most ${m.maxCount} is allowed`);
  }

  const { intermediateRepresentation, skippedHsMetaFiles } = await translate(
    { projectSourceDir: srcDir, platformVersion: config.platformVersion },
    { skipValidation: true },
  );
  for (const skipped of skippedHsMetaFiles) problems.push(`${rel(skipped)}: skipped by HubSpot's parser (wrong folder?)`);

  const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);
  const translatedFiles = new Set(nodes.map((n) => rel(n.metaFilePath)));
  for (const file of metadata.hsMetaFiles) {
    // The parser drops a meta file it cannot read without saying so.
    if (!translatedFiles.has(rel(file))) problems.push(`${rel(file)}: dropped by HubSpot's parser (invalid JSON, uid or shape)`);
  }

  const components: ProjectComponent[] = [];
  const uids = new Map<string, string>();
  for (const node of nodes) {
    const metaFile = rel(node.metaFilePath);
    components.push({ uid: node.uid, componentType: node.componentType, metaFile });
    const uidProblem = validateUid(node.uid);
    if (uidProblem) problems.push(`${metaFile}: uid ${JSON.stringify(node.uid)}: ${uidProblem}`);
    const seen = uids.get(node.uid);
    if (seen) problems.push(`${metaFile}: uid ${node.uid} is also used by ${seen}`);
    uids.set(node.uid, metaFile);

    const schema = hsMetaSchemaByComponentType[node.componentType];
    if (!schema) {
      problems.push(`${metaFile}: unexpected component type ${node.componentType}`);
      continue;
    }
    const result = schema.safeParse(JSON.parse(readFileSync(path.join(dir, metaFile), 'utf8')));
    if (!result.success) for (const issue of result.error.issues) problems.push(`${metaFile}: ${issue.path.join('.')}: ${issue.message}`);
  }

  for (const required of ['APPLICATION', 'CARD', 'WEBHOOKS', 'WORKFLOW_ACTION']) {
    if (!nodes.some((n) => n.componentType === required)) problems.push(`no ${required} component`);
  }

  const app = nodes.find((n) => n.componentType === 'APPLICATION')?.config as
    { permittedUrls?: { fetch?: string[]; img?: string[] } } | undefined;
  for (const card of nodes.filter((n) => n.componentType === 'CARD')) {
    checkCard(srcDir, card.config as { entrypoint?: string }, app?.permittedUrls?.fetch ?? [], problems);
  }
  checkReachable(
    nodes.map((n) => n.config),
    warnings,
  );

  return { problems, warnings, components: components.sort((a, b) => a.metaFile.localeCompare(b.metaFile)) };
}

function checkCard(srcDir: string, config: { entrypoint?: string }, permittedFetch: readonly string[], problems: string[]): void {
  const cardsDir = path.join(srcDir, 'app', 'cards');
  if (!config.entrypoint || !existsSync(path.join(srcDir, config.entrypoint))) {
    problems.push(`card entrypoint ${config.entrypoint ?? '(none)'} does not exist`);
  }
  const pkgFile = path.join(cardsDir, 'package.json');
  if (!existsSync(pkgFile)) {
    problems.push('src/app/cards/package.json is missing');
  } else {
    const deps = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
    if (!deps['@hubspot/ui-extensions']) problems.push('the card package does not depend on @hubspot/ui-extensions');
    // ui-extensions pins React 18.3.1; another React installs silently and breaks rendering.
    if (deps.react !== '18.3.1') problems.push(`the card package must pin react 18.3.1, found ${deps.react ?? 'none'}`);
  }
  for (const name of readdirSync(cardsDir).filter((n) => /\.(tsx?|jsx?)$/.test(n))) {
    const code = readFileSync(path.join(cardsDir, name), 'utf8');
    for (const match of code.matchAll(/from\s+(['"])(\.{1,2}\/[^'"]+)\1/g)) {
      const target = path.resolve(cardsDir, match[2]);
      const found = ['', '.ts', '.tsx', '.js', '.jsx'].some((ext) => existsSync(target + ext));
      if (!found || !target.startsWith(cardsDir + path.sep))
        problems.push(`src/app/cards/${name}: import ${match[2]} does not resolve inside the card folder`);
    }
  }
  const apiBase = readFileSync(path.join(cardsDir, 'api-base.ts'), 'utf8').match(/API_BASE\s*=\s*(['"])([^'"]+)\1/)?.[2];
  if (!apiBase) problems.push('src/app/cards/api-base.ts does not define API_BASE');
  else if (!permittedFetch.some((url) => apiBase === url || apiBase.startsWith(`${url.replace(/\/+$/, '')}/`))) {
    problems.push(`the card calls ${apiBase}, which the app's permittedUrls.fetch does not list`);
  }
}

/** HubSpot calls these URLs from its servers, so they must be public https. */
function checkReachable(configs: readonly unknown[], warnings: string[]): void {
  const urls = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string' && /^https?:\/\//.test(value)) urls.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  configs.forEach(walk);
  const unreachable = new Map<string, number>();
  for (const url of urls) {
    const { protocol, hostname, origin } = new URL(url);
    if (protocol !== 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname))
      unreachable.set(origin, (unreachable.get(origin) ?? 0) + 1);
  }
  for (const [origin, count] of unreachable) {
    warnings.push(
      `${origin} is not a public https origin; HubSpot will not reach the ${count} URL${count === 1 ? '' : 's'} the project names on it`,
    );
  }
}
